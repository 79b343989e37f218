using System.Text.Encodings.Web;
using System.Text.Json;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Classifier.Batch;

/// <summary>A line of the input that was not scored, and why.</summary>
public sealed record BatchProblem(int LineNumber, string Message);

/// <summary>What a batch run did.</summary>
public sealed record BatchResult(int Scored, int Alerts, IReadOnlyList<BatchProblem> Problems);

/// <summary>One listing of a batch input line.</summary>
public sealed record BatchListing(string Id, string Title, string Description, decimal? Price, string? Currency, string? Url, string? Seller, string? Language);

/// <summary>
/// Batch scoring of JSON lines (<c>pipeline classify</c>): each input line a listing, each output line its score, alert
/// flag, product type, CITES taxa, model version and reasons, in input order. Malformed or unknown lines are reported
/// with their line number and skipped; the rest are still scored.
/// </summary>
public sealed class BatchClassifier(ListingModel model, double threshold)
{
    private const int ChunkSize = 2048;

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "id", "title", "description", "price", "currency", "url", "seller", "language",
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<BatchResult> ClassifyAsync(TextReader input, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var problems = new List<BatchProblem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int scored = 0, alerts = 0, lineNumber = 0;
        var chunk = new List<BatchListing>(ChunkSize);
        await using var writer = new Utf8JsonWriter(output, WriterOptions);

        async Task FlushAsync()
        {
            var predictions = new ListingPrediction[chunk.Count];
            // Predict is thread-safe; writing stays in input order.
            Parallel.For(0, chunk.Count, new ParallelOptions { CancellationToken = ct }, i => predictions[i] = model.Predict(chunk[i].Title, chunk[i].Description));
            for (var i = 0; i < chunk.Count; i++)
            {
                var alert = Write(writer, chunk[i], predictions[i]);
                alerts += alert ? 1 : 0;
                await writer.FlushAsync(ct);
                output.WriteByte((byte)'\n');
                writer.Reset();
            }

            scored += chunk.Count;
            chunk.Clear();
        }

        while (await input.ReadLineAsync(ct) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (listing, problem) = Parse(line);
            if (listing is not null && !ids.Add(listing.Id))
            {
                problem = $"duplicate id '{listing.Id}'";
                listing = null;
            }

            if (listing is null)
            {
                problems.Add(new BatchProblem(lineNumber, problem!));
                continue;
            }

            chunk.Add(listing);
            if (chunk.Count == ChunkSize)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        await output.FlushAsync(ct);
        return new BatchResult(scored, alerts, problems);
    }

    /// <summary>Reads one input line; a listing, or the reason it is not one.</summary>
    public static (BatchListing? Listing, string? Problem) Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (null, $"not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "expected a JSON object");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!KnownFields.Contains(property.Name))
                {
                    return (null, $"unknown field '{property.Name}' (known: {string.Join(", ", KnownFields)})");
                }

                if (property.Name != "price" && property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return (null, $"'{property.Name}' must be a string");
                }
            }

            var id = Text(root, "id");
            var title = Text(root, "title");
            var description = Text(root, "description");
            if (string.IsNullOrWhiteSpace(id))
            {
                return (null, "missing or empty 'id'");
            }

            if (title is null || description is null)
            {
                return (null, $"missing '{(title is null ? "title" : "description")}'");
            }

            decimal? price = null;
            if (root.TryGetProperty("price", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetDecimal(out var value))
                {
                    return (null, "'price' must be a number");
                }

                price = value;
            }

            return (new BatchListing(id, title, description, price, Text(root, "currency"), Text(root, "url"), Text(root, "seller"), Text(root, "language")), null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private bool Write(Utf8JsonWriter writer, BatchListing listing, ListingPrediction prediction)
    {
        var alert = prediction.Score >= threshold;
        writer.WriteStartObject();
        writer.WriteString("id", listing.Id);
        writer.WriteNumber("score", Math.Round(prediction.Score, 6));
        writer.WriteBoolean("alert", alert);
        writer.WriteString("productType", prediction.PredictedProductType);
        writer.WritePropertyName("taxa");
        PredictionJson.WriteTaxa(writer, prediction.Taxa);
        writer.WriteString("modelVersion", model.Version);
        writer.WritePropertyName("reasons");
        PredictionJson.WriteReasons(writer, prediction.Reasons);
        writer.WriteEndObject();
        return alert;
    }
}
