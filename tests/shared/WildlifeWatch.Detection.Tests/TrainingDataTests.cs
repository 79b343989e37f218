using System.Text;

namespace WildlifeWatch.Detection.Tests;

public sealed class TrainingDataTests
{
    private const string Good = """{"id":"a","language":"en","title":"Ivory bangle","description":"old","label":true,"productType":"ivory"}""";
    private const string Decoy = """{"id":"b","language":"en","title":"Ivory dress","description":"colour","label":false,"productType":"not-wildlife","decoy":true}""";

    private static IReadOnlyList<LabeledListing> Read(params string[] lines) =>
        TrainingData.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), "test.jsonl");

    [Test]
    public void Well_formed_lines_are_read_with_their_decoy_tag()
    {
        var data = Read(Good, "", Decoy);

        Assert.That(data.Select(d => (d.Id, d.Label, d.ProductType, d.Decoy)), Is.EqualTo(new[]
        {
            ("a", true, "ivory", false), ("b", false, "not-wildlife", true),
        }));
    }

    [TestCase("{not json", 2, "not valid JSON")]
    [TestCase("""{"id":"c","language":"en","description":"x","label":true,"productType":"ivory"}""", 2, "'title'")]
    [TestCase("""{"id":"c","language":"en","title":"x","label":"yes","productType":"ivory"}""", 2, "'label'")]
    [TestCase("""{"id":"c","language":"en","title":"x","label":true,"productType":"gold"}""", 2, "unknown productType")]
    [TestCase("""{"id":"c","language":"en","title":"x","label":true,"productType":"not-wildlife"}""", 2, "does not fit")]
    [TestCase("""{"id":"a","language":"en","title":"x","label":true,"productType":"ivory"}""", 2, "duplicate id")]
    public void A_malformed_line_is_reported_with_its_line_number(string bad, int line, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Good, bad, Decoy));

        Assert.That(error!.Message, Does.Contain($"test.jsonl line {line}:").And.Contain(reason));
    }

    [Test]
    public void A_corpus_file_can_be_loaded_by_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "wtw-corpus-" + Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllText(path, Good + "\n" + Decoy + "\n");
        try
        {
            Assert.That(TrainingData.Load(path), Has.Count.EqualTo(2));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
