using System.Text;
using System.Text.Json;

namespace WildlifeWatch.Detection;

/// <summary>One labeled marketplace listing of the training corpus (see data/training/README.md).</summary>
public sealed record LabeledListing(string Id, string Language, string Title, string Description, bool Label, string ProductType)
{
    /// <summary>A legal listing written to share vocabulary with wildlife products (ivory-coloured dress, Tiger Balm, ...).</summary>
    public bool Decoy { get; init; }
}

/// <summary>Reads the JSON-lines training corpus: the embedded default or a file given by path.</summary>
public static class TrainingData
{
    public const string EmbeddedResourceName = "training/listings.jsonl";

    private static readonly Lazy<IReadOnlyList<LabeledListing>> Default = new(() =>
    {
        using var stream = typeof(TrainingData).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The training corpus '{EmbeddedResourceName}' is not embedded in WildlifeWatch.Detection.");
        return Read(stream, EmbeddedResourceName);
    });

    /// <summary>The corpus embedded into this assembly from data/training/listings.jsonl.</summary>
    public static IReadOnlyList<LabeledListing> LoadDefault() => Default.Value;

    public static IReadOnlyList<LabeledListing> Load(string jsonlPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jsonlPath);
        using var stream = File.OpenRead(jsonlPath);
        return Read(stream, jsonlPath);
    }

    /// <summary>Parses JSON lines; a malformed line fails the whole load with its source and line number.</summary>
    public static IReadOnlyList<LabeledListing> Read(Stream stream, string sourceName)
    {
        var result = new List<LabeledListing>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var listing = ParseLine(line, sourceName, lineNumber);
            if (!ids.Add(listing.Id))
            {
                throw Error(sourceName, lineNumber, $"duplicate id '{listing.Id}'");
            }

            result.Add(listing);
        }

        if (result.Count == 0)
        {
            throw new InvalidDataException($"{sourceName}: the training corpus is empty.");
        }

        return result;
    }

    private static LabeledListing ParseLine(string line, string source, int lineNumber)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Error(source, lineNumber, $"not valid JSON ({e.Message})", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, lineNumber, "expected a JSON object");
            }

            var id = RequiredString(root, "id", source, lineNumber);
            var language = RequiredString(root, "language", source, lineNumber);
            var title = RequiredString(root, "title", source, lineNumber);
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
            if (!root.TryGetProperty("label", out var labelElement) || labelElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Error(source, lineNumber, "'label' must be true or false");
            }

            var label = labelElement.GetBoolean();
            var productType = RequiredString(root, "productType", source, lineNumber);
            if (!ProductTypes.All.Contains(productType))
            {
                throw Error(source, lineNumber, $"unknown productType '{productType}' (expected one of {string.Join(", ", ProductTypes.All)})");
            }

            if (label == (productType == ProductTypes.NotWildlife))
            {
                throw Error(source, lineNumber, $"label {label.ToString().ToLowerInvariant()} does not fit productType '{productType}'");
            }

            var decoy = root.TryGetProperty("decoy", out var decoyElement) && decoyElement.ValueKind == JsonValueKind.True;
            if (decoy && label)
            {
                throw Error(source, lineNumber, "a decoy must be labeled false");
            }

            return new LabeledListing(id, language, title, description, label, productType) { Decoy = decoy };
        }
    }

    private static string RequiredString(JsonElement root, string name, string source, int lineNumber) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())
            ? e.GetString()!
            : throw Error(source, lineNumber, $"missing or empty string '{name}'");

    private static InvalidDataException Error(string source, int lineNumber, string message, Exception? inner = null) =>
        new($"{source} line {lineNumber}: {message}", inner);
}
