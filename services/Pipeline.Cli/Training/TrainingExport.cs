using System.Globalization;
using System.Text;
using Parquet.Serialization;
using WildlifeWatch.Classifier;

namespace WildlifeWatch.Cli.Training;

/// <summary>
/// The training data as data scientists load it: one row per listing with id, language, title, description, label,
/// product type, decoy flag and source (corpus or an investigator's label), as CSV (RFC 4180, UTF-8) or Parquet.
/// </summary>
internal static class TrainingExport
{
    public static readonly IReadOnlyList<string> Formats = ["csv", "parquet"];

    public static async Task WriteAsync(IReadOnlyList<TrainingRow> rows, string format, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        switch (format)
        {
            case "csv":
                await WriteCsvAsync(rows, output, ct);
                break;
            case "parquet":
                await ParquetSerializer.SerializeAsync(rows.Select(ExportRow.From), output, cancellationToken: ct);
                break;
            default:
                throw new ArgumentException($"Unknown format '{format}'.", nameof(format));
        }
    }

    private static async Task WriteCsvAsync(IReadOnlyList<TrainingRow> rows, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync("id,language,title,description,label,productType,decoy,source");
        foreach (var r in rows.Select(ExportRow.From))
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',',
                Csv(r.Id), Csv(r.Language), Csv(r.Title), Csv(r.Description), r.Label ? "true" : "false", Csv(r.ProductType), r.Decoy ? "true" : "false", Csv(r.Source)));
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : string.Create(CultureInfo.InvariantCulture, $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");

    /// <summary>The flat row both formats write (Parquet maps its properties to columns).</summary>
    internal sealed class ExportRow
    {
        public string Id { get; set; } = "";

        public string Language { get; set; } = "";

        public string Title { get; set; } = "";

        public string Description { get; set; } = "";

        public bool Label { get; set; }

        public string ProductType { get; set; } = "";

        public bool Decoy { get; set; }

        public string Source { get; set; } = "";

        public static ExportRow From(TrainingRow row) => new()
        {
            Id = row.Listing.Id,
            Language = row.Listing.Language,
            Title = row.Listing.Title,
            Description = row.Listing.Description,
            Label = row.Listing.Label,
            ProductType = row.Listing.ProductType,
            Decoy = row.Listing.Decoy,
            Source = row.Source,
        };
    }
}
