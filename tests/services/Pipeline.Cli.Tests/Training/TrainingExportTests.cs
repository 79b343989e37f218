using Parquet.Serialization;
using WildlifeWatch.Classifier;
using WildlifeWatch.Cli.Training;
using WildlifeWatch.Detection;

namespace Pipeline.Cli.Tests.Training;

public sealed class TrainingExportTests
{
    private static readonly TrainingRow[] Rows =
    [
        new(new LabeledListing("en-1", "en", "Ivory \"netsuke\", carved", "line one\nline two", true, "ivory"), TrainingSet.CorpusSource),
        new(new LabeledListing("label:l9", "und", "Tiger Balm 30g", "", false, "not-wildlife") { Decoy = true }, TrainingSet.LabelSource),
    ];

    [Test]
    public async Task Csv_has_a_header_and_quotes_commas_quotes_and_line_breaks()
    {
        using var output = new MemoryStream();
        await TrainingExport.WriteAsync(Rows, "csv", output, CancellationToken.None);

        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.That(text, Is.EqualTo(
            "id,language,title,description,label,productType,decoy,source\r\n" +
            "en-1,en,\"Ivory \"\"netsuke\"\", carved\",\"line one\nline two\",true,ivory,false,corpus\r\n" +
            "label:l9,und,Tiger Balm 30g,,false,not-wildlife,true,label\r\n"));
    }

    [Test]
    public async Task Parquet_reads_back_the_same_rows()
    {
        using var output = new MemoryStream();
        await TrainingExport.WriteAsync(Rows, "parquet", output, CancellationToken.None);
        output.Position = 0;

        var read = (await ParquetSerializer.DeserializeAsync<TrainingExport.ExportRow>(output)).Data;

        Assert.That(read.Select(r => (r.Id, r.Title, r.Description, r.Label, r.ProductType, r.Decoy, r.Source)), Is.EqualTo(new[]
        {
            ("en-1", "Ivory \"netsuke\", carved", "line one\nline two", true, "ivory", false, "corpus"),
            ("label:l9", "Tiger Balm 30g", "", false, "not-wildlife", true, "label"),
        }));
    }
}
