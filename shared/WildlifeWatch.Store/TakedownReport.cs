using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WildlifeWatch.Store;

/// <summary>One alerted listing in a takedown request to its platform, with the evidence that backs it and whether it is still online.</summary>
public sealed record TakedownRow(
    string ListingUrl,
    string Platform,
    string? PlatformListingId,
    IReadOnlyList<string> Taxa,
    IReadOnlyList<string> CitesAppendices,
    DateTimeOffset CapturedAt,
    string ScreenshotSha256,
    string? WarcSha256,
    string ManifestSha256,
    string AlertSeverity,
    double AlertScore,
    string Status,
    DateTimeOffset? RemovedAt,
    TimeSpan? TimeToRemoval)
{
    public const string Live = "live";
    public const string Removed = "removed";
}

/// <summary>
/// The takedown report of one platform: every alerted listing, the evidence hashes of the capture that raised the alert,
/// and its status from the watched listings (live, or removed with the time it took), which each revisit of the crawl
/// updates. Written as CSV (RFC 4180, safe to open in a spreadsheet) or JSON.
/// </summary>
public sealed class TakedownReport(IPipelineStore store)
{
    public const string CsvHeader =
        "listing_url,platform,platform_listing_id,taxa,cites_appendix,captured_at,screenshot_sha256,warc_sha256,manifest_sha256,alert_severity,alert_score,status,removed_at,time_to_removal_hours";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The rows of <paramref name="platform"/>'s alerts raised at or after <paramref name="since"/>, oldest alert first.</summary>
    public async Task<IReadOnlyList<TakedownRow>> BuildAsync(string platform, DateTimeOffset? since = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        var watched = (await store.GetWatchedListingsAsync(platform, ct: ct)).ToDictionary(w => w.NormalizedUrl, StringComparer.Ordinal);
        var rows = new List<TakedownRow>();
        foreach (var alert in await store.GetAlertsOfPlatformAsync(platform, since, ct))
        {
            var listing = await store.GetListingAsync(alert.ListingId, ct);
            var capture = listing is null ? null : await store.GetCaptureAsync(listing.CaptureId, ct);
            if (listing is null || capture is null)
            {
                continue;
            }

            var positive = listing.LexiconHits.Where(h => !h.Negative).ToList();
            var seen = watched.GetValueOrDefault(alert.ListingKey ?? capture.NormalizedUrl);
            rows.Add(new TakedownRow(
                listing.Url,
                alert.Platform,
                PlatformListingId(listing.Url),
                positive.Select(h => h.Taxon).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                positive.Select(h => h.CitesAppendix).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                capture.CapturedAt,
                capture.ScreenshotSha256,
                await WarcShaAsync(capture, ct),
                capture.ManifestSha256,
                alert.Severity.ToString().ToLowerInvariant(),
                alert.Score,
                seen?.RemovedAt is null ? TakedownRow.Live : TakedownRow.Removed,
                seen?.RemovedAt,
                seen?.TimeToRemoval));
        }

        return rows;
    }

    public static string ToCsv(IEnumerable<TakedownRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var r in rows)
        {
            string[] cells =
            [
                r.ListingUrl, r.Platform, r.PlatformListingId ?? string.Empty, string.Join("; ", r.Taxa), string.Join("; ", r.CitesAppendices),
                Time(r.CapturedAt), r.ScreenshotSha256, r.WarcSha256 ?? string.Empty, r.ManifestSha256, r.AlertSeverity,
                r.AlertScore.ToString("0.0000", CultureInfo.InvariantCulture), r.Status, r.RemovedAt is { } removed ? Time(removed) : string.Empty,
                r.TimeToRemoval is { } span ? span.TotalHours.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty,
            ];
            csv.AppendJoin(',', cells.Select(CsvCell)).Append("\r\n");
        }

        return csv.ToString();
    }

    public static string ToJson(IEnumerable<TakedownRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return JsonSerializer.Serialize(rows.Select(r => new
        {
            r.ListingUrl, r.Platform, r.PlatformListingId, r.Taxa, r.CitesAppendices, r.CapturedAt, r.ScreenshotSha256, r.WarcSha256,
            r.ManifestSha256, r.AlertSeverity, r.AlertScore, r.Status, r.RemovedAt,
            TimeToRemovalHours = r.TimeToRemoval is { } span ? Math.Round(span.TotalHours, 2) : (double?)null,
        }), Json);
    }

    /// <summary>
    /// One CSV field: a cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return that
    /// hides one) gets a leading apostrophe; a cell with a comma, quote or line break is quoted, quotes doubled (RFC 4180).
    /// </summary>
    public static string CsvCell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>
    /// The platform's own id of a listing, read from its URL: an id-like query parameter, else the last path segment that
    /// holds a digit (<c>/item/12345</c>, <c>/p/ivory-bangle-998877.html</c>); null when the URL shows none.
    /// </summary>
    public static string? PlatformListingId(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            if (eq > 0 && IdParameters.Contains(name) && eq < pair.Length - 1)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        var segment = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(s => s.Any(char.IsAsciiDigit));
        if (segment is null)
        {
            return null;
        }

        segment = Uri.UnescapeDataString(segment);
        var dot = segment.LastIndexOf('.');
        return dot > 0 && segment.Length - dot <= 5 ? segment[..dot] : segment;
    }

    private static readonly HashSet<string> IdParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "item", "itemid", "item_id", "listing", "listingid", "listing_id", "pid", "productid", "product_id", "ad", "adid", "ad_id", "offer", "offerid",
    };

    private async Task<string?> WarcShaAsync(Capture capture, CancellationToken ct)
    {
        var manifest = await store.GetArtifactAsync(capture.ManifestSha256, ct);
        if (manifest is null)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(manifest);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("artifacts", out var artifacts) && artifacts.ValueKind == JsonValueKind.Object
                && artifacts.TryGetProperty("warc", out var warc) && warc.ValueKind == JsonValueKind.Object
                && warc.TryGetProperty("sha256", out var sha) && sha.ValueKind == JsonValueKind.String
                ? sha.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
