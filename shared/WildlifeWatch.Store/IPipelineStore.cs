using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store;

/// <summary>
/// The one storage contract of the pipeline. Every write is idempotent on a stable key so that a
/// redelivered message never creates a second row: services may be told the same thing twice.
/// </summary>
public interface IPipelineStore
{
    Task InitializeAsync(CancellationToken ct = default);

    Task CreateCrawlAsync(Crawl crawl, CancellationToken ct = default);

    Task<Crawl?> GetCrawlAsync(string crawlId, CancellationToken ct = default);

    /// <summary>All crawls, newest first.</summary>
    Task<IReadOnlyList<Crawl>> GetCrawlsAsync(CancellationToken ct = default);

    /// <summary>Admits the entries that are new for their crawl and returns exactly those.</summary>
    Task<IReadOnlyList<FrontierEntry>> AdmitAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct = default);

    /// <summary>Admits the new links of a page and closes the page's own entry, in one transaction.</summary>
    Task<IReadOnlyList<FrontierEntry>> ExpandAsync(string crawlId, string sourceNormalizedUrl, IReadOnlyList<FrontierEntry> links, CancellationToken ct = default);

    Task MarkFailedAsync(string crawlId, string normalizedUrl, string reason, CancellationToken ct = default);

    Task<IReadOnlyList<FrontierEntry>> GetFrontierAsync(string crawlId, CancellationToken ct = default);

    /// <summary>Stores an artifact addressed by its SHA-256 (lower-case hex) and returns that hash.</summary>
    Task<string> PutArtifactAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct = default);

    Task<byte[]?> GetArtifactAsync(string sha256, CancellationToken ct = default);

    /// <summary>Stores a capture unless one with the same id exists; returns false for a duplicate.</summary>
    Task<bool> AddCaptureAsync(Capture capture, CancellationToken ct = default);

    Task<Capture?> GetCaptureAsync(string captureId, CancellationToken ct = default);

    Task<IReadOnlyList<Capture>> GetCapturesAsync(string crawlId, CancellationToken ct = default);

    /// <summary>Records the extractor's result for a capture (a listing, or none for a non-listing page).</summary>
    Task CompleteExtractionAsync(string captureId, Listing? listing, CancellationToken ct = default);

    Task<Listing?> GetListingAsync(string listingId, CancellationToken ct = default);

    Task AddScoreAsync(Score score, CancellationToken ct = default);

    /// <summary>Records that the alert stage judged a score; stores the alert when there is one. Returns true when the alert is new.</summary>
    Task<bool> CompleteAlertDecisionAsync(string listingId, string modelVersion, Alert? alert, CancellationToken ct = default);

    Task<IReadOnlyList<ScoredListing>> GetScoredListingsAsync(string crawlId, CancellationToken ct = default);

    Task<IReadOnlyList<Alert>> GetAlertsAsync(string crawlId, CancellationToken ct = default);

    Task<CrawlProgress> GetProgressAsync(string crawlId, CancellationToken ct = default);
}
