using System.Text;
using System.Text.Json;
using WildlifeWatch.Classifier.Batch;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Classifier.Tests.Batch;

public sealed class BatchClassifierTests
{
    private ListingModel _model = null!;

    [OneTimeSetUp]
    public void Train() => _model = ListingModel.Train(TrainingData.LoadDefault(), LexiconMatcher.LoadDefault());

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [Test]
    public async Task Each_listing_gets_score_alert_product_type_taxa_model_version_and_reasons_in_input_order()
    {
        var (lines, result, _) = await ClassifyAsync(
            """{"id":"a","title":"Raw elephant tusk 4kg","description":"whole tusk, old stock, serious buyers","price":1200,"currency":"USD","url":"https://x.example/1","seller":"s","language":"en"}""",
            """{"id":"b","title":"Ivory white wool cardigan","description":"soft knit, size M, colour ivory"}""");

        var first = lines[0].RootElement;
        var second = lines[1].RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(result.Scored, Is.EqualTo(2));
            Assert.That(result.Problems, Is.Empty);
            Assert.That(lines.Select(l => l.RootElement.GetProperty("id").GetString()), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(first.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "score", "alert", "productType", "taxa", "modelVersion", "reasons" }));
            Assert.That(first.GetProperty("score").GetDouble(), Is.InRange(0.5, 1.0));
            Assert.That(first.GetProperty("alert").GetBoolean(), Is.True);
            Assert.That(first.GetProperty("productType").GetString(), Is.EqualTo("ivory"));
            Assert.That(first.GetProperty("taxa")[0].GetProperty("appendix").GetString(), Is.EqualTo("I"));
            Assert.That(first.GetProperty("taxa")[0].GetProperty("taxon").GetString(), Does.Contain("Loxodonta"));
            Assert.That(first.GetProperty("modelVersion").GetString(), Is.EqualTo(_model.Version));
            Assert.That(first.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("feature").GetString()), Has.Some.Contains("tusk"));
            Assert.That(second.GetProperty("score").GetDouble(), Is.LessThan(0.5));
            Assert.That(second.GetProperty("alert").GetBoolean(), Is.False);
            Assert.That(second.GetProperty("productType").GetString(), Is.EqualTo(ProductTypes.NotWildlife));
        });
    }

    [Test]
    public async Task Malformed_and_unknown_lines_are_reported_with_their_line_number_and_the_rest_are_scored()
    {
        var (lines, result, _) = await ClassifyAsync(
            """{"id":"ok-1","title":"pangolin scales 1kg","description":"dried"}""",
            """{"id":"broken", "title": """,
            "",
            """["not","an","object"]""",
            """{"id":"no-title","description":"x"}""",
            """{"id":"extra","title":"t","description":"d","colour":"red"}""",
            """{"id":"ok-1","title":"again","description":"dup"}""",
            """{"id":"bad-price","title":"t","description":"d","price":"cheap"}""",
            """{"id":"ok-2","title":"bird cage, large","description":"steel, white"}""");

        Assert.Multiple(() =>
        {
            Assert.That(lines.Select(l => l.RootElement.GetProperty("id").GetString()), Is.EqualTo(new[] { "ok-1", "ok-2" }));
            Assert.That(result.Problems.Select(p => p.LineNumber), Is.EqualTo(new[] { 2, 4, 5, 6, 7, 8 }));
            Assert.That(result.Problems[0].Message, Does.Contain("not valid JSON"));
            Assert.That(result.Problems[2].Message, Does.Contain("title"));
            Assert.That(result.Problems[3].Message, Does.Contain("unknown field 'colour'"));
            Assert.That(result.Problems[4].Message, Does.Contain("duplicate id"));
            Assert.That(result.Problems[5].Message, Does.Contain("price"));
        });
    }

    [Test]
    public async Task The_alert_flag_follows_the_threshold_given()
    {
        const string line = """{"id":"a","title":"rhino horn bracelet beads","description":"real horn"}""";

        var score = _model.Predict("rhino horn bracelet beads", "real horn").Score;

        var (low, _, _) = await ClassifyAsync(score, line);
        var (high, _, _) = await ClassifyAsync(score + 1e-9, line);

        Assert.That((low[0].RootElement.GetProperty("alert").GetBoolean(), high[0].RootElement.GetProperty("alert").GetBoolean()), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task More_listings_than_one_chunk_come_back_complete_and_in_order()
    {
        var input = Enumerable.Range(0, 5000).Select(i => JsonSerializer.Serialize(new { id = $"l{i}", title = i % 2 == 0 ? "ivory carving" : "oak table", description = "" })).ToArray();

        var (lines, result, _) = await ClassifyAsync(input);

        Assert.That(result.Scored, Is.EqualTo(5000));
        Assert.That(lines.Select(l => l.RootElement.GetProperty("id").GetString()), Is.EqualTo(Enumerable.Range(0, 5000).Select(i => $"l{i}")));
        Assert.That(result.Alerts, Is.EqualTo(2500));
    }

    private Task<(List<JsonDocument> Lines, BatchResult Result, string Text)> ClassifyAsync(params string[] input) => ClassifyAsync(0.5, input);

    private async Task<(List<JsonDocument> Lines, BatchResult Result, string Text)> ClassifyAsync(double threshold, params string[] input)
    {
        using var reader = new StringReader(string.Join('\n', input));
        using var output = new MemoryStream();
        var result = await new BatchClassifier(_model, threshold).ClassifyAsync(reader, output);
        var text = Encoding.UTF8.GetString(output.ToArray());
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        return (lines, result, text);
    }
}
