using System.Globalization;
using System.Text.Json;

namespace WildlifeWatch.Fetcher;

/// <summary>One stored artifact as the manifest cites it.</summary>
public sealed record ManifestArtifact(string Sha256, long Size, string MediaType);

/// <summary>
/// The signed-off record of a capture: what was asked for, what was received, when, with which browser,
/// and the hash of every artifact. Stored canonically, so its own SHA-256 seals the whole capture.
/// </summary>
public sealed record CaptureManifest(
    string CaptureId,
    string CrawlId,
    string Url,
    string NormalizedUrl,
    string FinalUrl,
    int HttpStatus,
    DateTimeOffset StartedAt,
    DateTimeOffset CapturedAt,
    string UserAgent,
    string BrowserVersion,
    ManifestArtifact Html,
    ManifestArtifact Text,
    ManifestArtifact Screenshot,
    IReadOnlyList<string> Outlinks,
    ManifestArtifact? Warc = null,
    string RenderMode = Fetcher.RenderMode.Browser,
    IReadOnlyList<string>? Warnings = null)
{
    public const string MediaType = "application/json";
    public const int Version = 1;

    public byte[] ToCanonicalJson()
    {
        var artifacts = new Dictionary<string, object?>
        {
            ["html"] = Artifact(Html),
            ["text"] = Artifact(Text),
            ["screenshot"] = Artifact(Screenshot),
        };
        if (Warc is not null)
        {
            artifacts["warc"] = Artifact(Warc);
        }

        return CanonicalJson.Serialize(new Dictionary<string, object?>
        {
            ["manifestVersion"] = Version,
            ["captureId"] = CaptureId,
            ["crawlId"] = CrawlId,
            ["url"] = Url,
            ["normalizedUrl"] = NormalizedUrl,
            ["finalUrl"] = FinalUrl,
            ["httpStatus"] = HttpStatus,
            ["startedAt"] = Timestamp(StartedAt),
            ["capturedAt"] = Timestamp(CapturedAt),
            ["userAgent"] = UserAgent,
            ["browserVersion"] = BrowserVersion,
            ["artifacts"] = artifacts,
            ["outlinks"] = Outlinks,
            ["renderMode"] = RenderMode,
            ["warnings"] = Warnings ?? [],
        });
    }

    /// <summary>ISO-8601 UTC with milliseconds, the precision the fetcher records.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads the outlinks back from a stored manifest, to re-announce a capture without refetching it.</summary>
    public static IReadOnlyList<string> ReadOutlinks(ReadOnlySpan<byte> manifestJson)
    {
        var reader = new Utf8JsonReader(manifestJson);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("outlinks", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return links.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).ToList();
    }

    private static Dictionary<string, object?> Artifact(ManifestArtifact a) => new()
    {
        ["sha256"] = a.Sha256,
        ["size"] = a.Size,
        ["mediaType"] = a.MediaType,
    };
}
