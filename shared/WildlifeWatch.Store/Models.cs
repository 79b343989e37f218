using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store;

public enum FrontierState
{
    /// <summary>Admitted and announced to the fetchers; not yet captured and expanded.</summary>
    Queued,
    /// <summary>Captured and its links taken back by the scheduler.</summary>
    Done,
    /// <summary>The fetch ended in an error that is recorded with the entry.</summary>
    Failed,
}

public sealed record Crawl(string Id, DateTimeOffset StartedAt, string SeedsJson);

/// <summary>
/// A URL of a crawl. <see cref="Priority"/> orders the release to the fetchers (higher first); <see cref="ReleasedAt"/> is
/// when the scheduler announced it (null: admitted, waiting for its turn).
/// </summary>
public sealed record FrontierEntry(
    string CrawlId,
    string NormalizedUrl,
    string Url,
    string SeedId,
    int Depth,
    FrontierState State,
    DateTimeOffset EnqueuedAt,
    string? Error = null,
    double Priority = 0,
    DateTimeOffset? ReleasedAt = null);

/// <summary>An immutable record of one fetch: what the browser saw, when, and the hash of each artifact.</summary>
public sealed record Capture(
    string Id,
    string CrawlId,
    string SeedId,
    string Url,
    string NormalizedUrl,
    string FinalUrl,
    int HttpStatus,
    int Depth,
    DateTimeOffset StartedAt,
    DateTimeOffset CapturedAt,
    string HtmlSha256,
    string TextSha256,
    string ScreenshotSha256,
    string ManifestSha256)
{
    /// <summary>When retention removed the raw artifacts (HTML, text, screenshot); the row and its manifest stay.</summary>
    public DateTimeOffset? PurgedAt { get; init; }
}

public sealed record Listing(
    string Id,
    string CrawlId,
    string CaptureId,
    string Url,
    string Title,
    string Description,
    decimal? Price,
    string? Currency,
    string? Seller,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<LexiconHit> LexiconHits,
    DateTimeOffset ExtractedAt)
{
    /// <summary>ISO 3166-1 alpha-2 country of the offer when known; it may be set later with <see cref="IPipelineStore.SetListingCountryAsync"/>.</summary>
    public string? Country { get; init; }
}

public sealed record Score(
    string ListingId,
    string CrawlId,
    string ModelVersion,
    double Value,
    DateTimeOffset ScoredAt)
{
    /// <summary>The product type the model gave the listing beside the score, when it gives one.</summary>
    public string? ProductType { get; init; }

    /// <summary>Why the model scored it so: a JSON array of {kind, feature, contribution}, largest first.</summary>
    public string? ReasonsJson { get; init; }
}

public sealed record Alert(
    string Id,
    string ListingId,
    string CrawlId,
    double Score,
    double Threshold,
    string ModelVersion,
    AlertSeverity Severity,
    string SpeciesGroup,
    string Platform,
    DateTimeOffset RaisedAt)
{
    /// <summary>
    /// The listing's identity across captures: the normalized URL of the captured page (which names the platform and its
    /// listing id). One alert per key, so a revisit of the same listing in a later crawl does not alert again. The store
    /// sets it from the listing's capture.
    /// </summary>
    public string? ListingKey { get; init; }

    /// <summary>When a rescore last changed the alert (null: as raised).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>How many times a rescore changed the alert (0: as raised).</summary>
    public int Revision { get; init; }

    /// <summary>When the score the alert now carries was given; a late redelivery of an older score never replaces a newer one.</summary>
    public DateTimeOffset? ScoredAt { get; init; }
}

/// <summary>What an alert decision did.</summary>
public enum AlertOutcome
{
    /// <summary>The score is under the threshold: no alert.</summary>
    None,

    /// <summary>The listing had no alert: a new one was raised.</summary>
    Raised,

    /// <summary>A rescore changed the listing's alert (a higher score, or a newer model's score over the threshold).</summary>
    Updated,

    /// <summary>The listing is alerted already and the score changes nothing (a re-capture or a redelivery).</summary>
    Unchanged,
}

/// <summary>The result of <see cref="IPipelineStore.DecideAlertAsync"/>: the alert as stored now and, for an update, as it was.</summary>
public sealed record AlertDecision(AlertOutcome Outcome, Alert? Alert, Alert? Previous = null);

/// <summary>One entry of an alert's history: the raise, then each rescore that changed it, with the listing and model that caused it.</summary>
public sealed record AlertChange(
    string AlertId,
    int Revision,
    string ListingId,
    string CrawlId,
    double Score,
    string ModelVersion,
    AlertSeverity Severity,
    DateTimeOffset At);

/// <summary>A listing with its latest score, as investigators and tests read it.</summary>
public sealed record ScoredListing(Listing Listing, Score? Score);

/// <summary>How far a crawl has come; all pending counts at zero means the crawl is finished.</summary>
public sealed record CrawlProgress(
    int FrontierQueued,
    int FrontierDone,
    int FrontierFailed,
    int Captures,
    int CapturesPendingExtraction,
    int Listings,
    int ListingsPendingScore,
    int ScoresPendingAlertDecision,
    int Alerts)
{
    public bool IsIdle =>
        FrontierQueued == 0 && CapturesPendingExtraction == 0 && ListingsPendingScore == 0 && ScoresPendingAlertDecision == 0;
}

/// <summary>What the listing query filters on, derived from a listing the same way by every store.</summary>
public static class ListingFacts
{
    /// <summary>The marketplace a listing lives on: the URL's host, with the port when it is not the default (as alerts name it).</summary>
    public static string Platform(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? (uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}") : "unknown";

    /// <summary>The species groups of the positive lexicon hits, sorted and distinct.</summary>
    public static IReadOnlyList<string> SpeciesGroups(IEnumerable<LexiconHit> hits) =>
        hits.Where(h => !h.Negative && !string.IsNullOrWhiteSpace(h.SpeciesGroup))
            .Select(h => h.SpeciesGroup)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
}

/// <summary>A human judgement of a listing, the training signal for the next model.</summary>
public sealed record Label(
    string ListingId,
    bool IsWildlife,
    string? ProductType,
    string LabeledBy,
    DateTimeOffset LabeledAt);

/// <summary>A trained model in the registry: its metrics and the hash of the data it was trained on.</summary>
public sealed record ModelEntry(
    string Version,
    string MetricsJson,
    string TrainingDataSha256,
    DateTimeOffset CreatedAt);

/// <summary>An investigator's standing query; the filter is the portal's JSON.</summary>
public sealed record Subscription(string Name, string FilterJson, DateTimeOffset UpdatedAt);

/// <summary>Who did what to which subject, and when: viewed, labeled, exported.</summary>
public sealed record AuditEntry(string Actor, string Action, string Subject, string? Details, DateTimeOffset At);

/// <summary>What retention removed: captures whose raw artifacts went, and artifacts no capture needs any more.</summary>
public sealed record PurgeResult(int CapturesPurged, int ArtifactsDeleted);

/// <summary>
/// The portal's and retraining's listing query. Only scored listings are returned, ordered by their latest score
/// (highest first) and then id; paging is by <see cref="Cursor"/> (keyset), never by offset.
/// </summary>
public sealed record ListingQuery
{
    public double? MinScore { get; init; }

    public double? MaxScore { get; init; }

    public string? SpeciesGroup { get; init; }

    public string? Platform { get; init; }

    public string? Country { get; init; }

    public string? Seller { get; init; }

    /// <summary>Extracted at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Extracted before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>True: only listings whose page was found removed; false: only those not (yet) found removed; null: both.</summary>
    public bool? Removed { get; init; }

    /// <summary>The <see cref="ListingPage.NextCursor"/> of the previous page, or null for the first page.</summary>
    public string? Cursor { get; init; }

    public int PageSize { get; init; } = 50;
}

public sealed record ListingPage(IReadOnlyList<ScoredListing> Items, string? NextCursor);

/// <summary>The opaque keyset cursor: the last row's score (exact bits) and id.</summary>
public static class ListingCursor
{
    public static string Encode(double score, string id) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            BitConverter.DoubleToInt64Bits(score).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "|" + id));

    public static (double Score, string Id) Decode(string cursor)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            var bits = long.Parse(text.AsSpan(0, bar), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            return (BitConverter.Int64BitsToDouble(bits), text[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ArgumentException($"'{cursor}' is not a listing cursor.", nameof(cursor), e);
        }
    }
}

/// <summary>
/// The answer to a fetcher asking for a host's turn: granted, or when to ask again. <see cref="HeldByOther"/> says that
/// another fetcher is talking to the host now, so the next allowed time is not known until it answers.
/// </summary>
public sealed record HostTurnOffer(bool Granted, DateTimeOffset NextAllowedAt, bool HeldByOther);

/// <summary>
/// A listing page the scheduler watches across crawls (keyed by normalized URL): when it was first and last seen, and
/// when it was found removed (404/410, an "item removed" text, a redirect to a search or home page) and why.
/// </summary>
public sealed record WatchedListing(
    string NormalizedUrl,
    string Platform,
    string SeedId,
    string FirstCrawlId,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? RemovedAt = null,
    string? RemovalReason = null)
{
    /// <summary>When the first alert on a capture of this URL was raised, if any (filled by <see cref="IPipelineStore.GetWatchedListingsAsync"/>).</summary>
    public DateTimeOffset? AlertedAt { get; init; }

    /// <summary>From first sighting to removal: what a takedown request is followed up by.</summary>
    public TimeSpan? TimeToRemoval => RemovedAt - FirstSeenAt;
}

/// <summary>
/// What extraction learned about a listing beyond its fields: language, contacts and identifiers, analysed images and
/// the structured extras (seller profile, location, posting date, category breadcrumbs). Saved after the listing.
/// </summary>
public sealed record ListingTraits(
    string ListingId,
    string? Language,
    IReadOnlyList<ContactIdentifier> Contacts,
    IReadOnlyList<ListingImage> Images)
{
    public string? SellerProfileUrl { get; init; }

    public string? Location { get; init; }

    public DateTimeOffset? PostedAt { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];
}

/// <summary>A stored image within <c>maxDistance</c> bits of a queried perceptual hash.</summary>
public sealed record ImageMatch(string ListingId, string ImageUrl, ulong PerceptualHash, int Distance)
{
    /// <summary>The stored image's <see cref="ListingImage.Detail"/>.</summary>
    public double Detail { get; init; }
}

/// <summary>
/// Evidence that two listings come from one seller: they share a contact (<see cref="Kind"/> is its kind and
/// <see cref="Evidence"/> its value) or a near-duplicate image (kind "image", evidence names both images and the distance).
/// <see cref="ListingA"/> sorts before <see cref="ListingB"/> (ordinal), so a link is stored once whichever side found it.
/// </summary>
public sealed record ActorLink(string ListingA, string ListingB, string Kind, string Evidence, DateTimeOffset LinkedAt)
{
    public const string ImageKind = "image";

    public static ActorLink Between(string one, string other, string kind, string evidence, DateTimeOffset at) =>
        string.CompareOrdinal(one, other) <= 0 ? new(one, other, kind, evidence, at) : new(other, one, kind, evidence, at);
}

/// <summary>One seller as the evidence shows it: listings connected by links, and every link with its evidence.</summary>
public sealed record Actor(string Id, IReadOnlyList<string> ListingIds, IReadOnlyList<ActorLink> Links);
