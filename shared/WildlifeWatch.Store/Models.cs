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

public sealed record FrontierEntry(
    string CrawlId,
    string NormalizedUrl,
    string Url,
    string SeedId,
    int Depth,
    FrontierState State,
    DateTimeOffset EnqueuedAt,
    string? Error = null);

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
    string ManifestSha256);

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
    DateTimeOffset ExtractedAt);

public sealed record Score(
    string ListingId,
    string CrawlId,
    string ModelVersion,
    double Value,
    DateTimeOffset ScoredAt);

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
    DateTimeOffset RaisedAt);

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
