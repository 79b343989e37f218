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

    /// <summary>
    /// Releases the crawl's waiting entries (queued, not released) with the highest priority (then oldest, then URL) until
    /// <paramref name="maxInFlight"/> entries are released and still queued; marks them released at <paramref name="now"/>
    /// and returns them in that order. Replicas racing on one crawl may overshoot the bound by their number.
    /// </summary>
    Task<IReadOnlyList<FrontierEntry>> ReleaseAsync(string crawlId, int maxInFlight, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// The normalized URL of another capture of the crawl, taken earlier, whose visible text is the same as that of the
    /// latest capture of <paramref name="normalizedUrl"/>; null when that capture's content is new in the crawl (or there is none).
    /// </summary>
    Task<string?> FindEarlierSameContentAsync(string crawlId, string normalizedUrl, CancellationToken ct = default);

    /// <summary>The latest capture of <paramref name="normalizedUrl"/> in the crawl, or null.</summary>
    Task<Capture?> GetLatestCaptureAsync(string crawlId, string normalizedUrl, CancellationToken ct = default);

    // ---- Listings watched for removal, across crawls.

    /// <summary>
    /// Records that a listing page was seen online at <paramref name="at"/>: the first sighting creates the entry, later
    /// ones move its last-seen time forward; a sighting after its removal time reinstates it (the removal is cleared).
    /// </summary>
    Task RecordListingSeenAsync(string normalizedUrl, string seedId, string crawlId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Marks a watched listing removed at <paramref name="at"/> with the reason; false when it is not watched or already removed.</summary>
    Task<bool> MarkListingRemovedAsync(string normalizedUrl, DateTimeOffset at, string reason, CancellationToken ct = default);

    /// <summary>Watched listings (of one platform, or all), removed ones only if asked, with the time of their first alert; by platform then first sighting.</summary>
    Task<IReadOnlyList<WatchedListing>> GetWatchedListingsAsync(string? platform = null, bool removedOnly = false, CancellationToken ct = default);

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

    /// <summary>As <see cref="DecideAlertAsync"/>; returns true when a new alert was raised.</summary>
    Task<bool> CompleteAlertDecisionAsync(string listingId, string modelVersion, Alert? alert, CancellationToken ct = default);

    /// <summary>
    /// Records that the alert stage judged a score, keeping one alert per listing identity (<see cref="Alert.ListingKey"/>,
    /// the normalized URL of the listing's capture) across captures and crawls. With a <paramref name="candidate"/> (the
    /// score is over the threshold): raises it when the listing has no alert; updates the alert's score, threshold, model
    /// and severity when the score is higher than the alert's or comes from another model, and is not older than the score
    /// the alert carries (a history entry is added); otherwise changes nothing. Idempotent: a redelivered decision is
    /// <see cref="AlertOutcome.Unchanged"/>.
    /// </summary>
    Task<AlertDecision> DecideAlertAsync(string listingId, string modelVersion, Alert? candidate, CancellationToken ct = default);

    /// <summary>The alert of the listing's identity (raised on this capture or another one of the same page), or null.</summary>
    Task<Alert?> GetAlertOfListingAsync(string listingId, CancellationToken ct = default);

    /// <summary>An alert's history, oldest first: the raise (revision 0), then every update.</summary>
    Task<IReadOnlyList<AlertChange>> GetAlertHistoryAsync(string alertId, CancellationToken ct = default);

    /// <summary>Alerts raised or updated in [<paramref name="from"/>, <paramref name="until"/>), by time of the last change, then id.</summary>
    Task<IReadOnlyList<Alert>> GetAlertsChangedAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct = default);

    /// <summary>The alerts of one platform (as <see cref="Alert.Platform"/> names it), raised at or after <paramref name="raisedSince"/> when given, oldest first.</summary>
    Task<IReadOnlyList<Alert>> GetAlertsOfPlatformAsync(string platform, DateTimeOffset? raisedSince = null, CancellationToken ct = default);

    Task<IReadOnlyList<ScoredListing>> GetScoredListingsAsync(string crawlId, CancellationToken ct = default);

    Task<IReadOnlyList<Alert>> GetAlertsAsync(string crawlId, CancellationToken ct = default);

    Task<CrawlProgress> GetProgressAsync(string crawlId, CancellationToken ct = default);

    // ---- Bulk writes: the same idempotent semantics as the single-item methods, in fewer round trips.

    /// <summary>Stores the captures that are new by id; returns how many were new. Never overwrites a capture.</summary>
    Task<int> AddCapturesAsync(IReadOnlyList<Capture> captures, CancellationToken ct = default);

    /// <summary>Records each listing as its capture's extraction result (as <see cref="CompleteExtractionAsync"/>); returns how many were new.</summary>
    Task<int> AddListingsAsync(IReadOnlyList<Listing> listings, CancellationToken ct = default);

    /// <summary>Stores each score unless its (listing, model) exists; returns how many were new.</summary>
    Task<int> AddScoresAsync(IReadOnlyList<Score> scores, CancellationToken ct = default);

    // ---- Listings for the portal and retraining.

    /// <summary>Sets (or corrects) the country of a listing, which extraction may learn after the listing is stored.</summary>
    Task SetListingCountryAsync(string listingId, string? country, CancellationToken ct = default);

    /// <summary>Scored listings matching the filters, by latest score descending then id, one keyset page at a time.</summary>
    Task<ListingPage> QueryListingsAsync(ListingQuery query, CancellationToken ct = default);

    /// <summary>Every score a listing received, oldest first.</summary>
    Task<IReadOnlyList<Score>> GetScoreHistoryAsync(string listingId, CancellationToken ct = default);

    // ---- Labels, models, subscriptions.

    /// <summary>Adds a label (idempotent on listing, labeler and time) and audits it; returns false for a duplicate.</summary>
    Task<bool> AddLabelAsync(Label label, CancellationToken ct = default);

    /// <summary>The labels of one listing, or of all listings when <paramref name="listingId"/> is null, oldest first.</summary>
    Task<IReadOnlyList<Label>> GetLabelsAsync(string? listingId = null, CancellationToken ct = default);

    /// <summary>Registers a model version; a registered version is never changed. Returns false when it existed.</summary>
    Task<bool> RegisterModelAsync(ModelEntry model, CancellationToken ct = default);

    Task<ModelEntry?> GetModelAsync(string version, CancellationToken ct = default);

    /// <summary>All registered models, newest first.</summary>
    Task<IReadOnlyList<ModelEntry>> GetModelsAsync(CancellationToken ct = default);

    /// <summary>
    /// Stores the score of a shadow (challenger) model: kept apart from the live scores, so it never moves a listing's
    /// latest score, never waits for an alert decision and never alerts. Idempotent on (listing, model); false for a duplicate.
    /// </summary>
    Task<bool> AddShadowScoreAsync(Score score, CancellationToken ct = default);

    /// <summary>The shadow scores of one model, oldest first.</summary>
    Task<IReadOnlyList<Score>> GetShadowScoresAsync(string modelVersion, CancellationToken ct = default);

    /// <summary>Creates or replaces the subscription of that name.</summary>
    Task SaveSubscriptionAsync(Subscription subscription, CancellationToken ct = default);

    Task<IReadOnlyList<Subscription>> GetSubscriptionsAsync(CancellationToken ct = default);

    Task<bool> DeleteSubscriptionAsync(string name, CancellationToken ct = default);

    // ---- Specimen provenance declarations.

    /// <summary>Stores a declaration (validate it first with <see cref="ProvenanceValidator"/>) and links it to its listings; idempotent on its id, false for a duplicate.</summary>
    Task<bool> AddProvenanceDeclarationAsync(ProvenanceDeclaration declaration, CancellationToken ct = default);

    Task<ProvenanceDeclaration?> GetProvenanceDeclarationAsync(string id, CancellationToken ct = default);

    /// <summary>The declarations linked to a listing (all of them when <paramref name="listingId"/> is null), oldest submission first.</summary>
    Task<IReadOnlyList<ProvenanceDeclaration>> GetProvenanceDeclarationsAsync(string? listingId = null, CancellationToken ct = default);

    // ---- Cases: investigations that group listings.

    /// <summary>Opens a case and audits it; false (and nothing changes) when a case with that id exists.</summary>
    Task<bool> CreateCaseAsync(InvestigationCase investigation, CancellationToken ct = default);

    Task<InvestigationCase?> GetCaseAsync(string caseId, CancellationToken ct = default);

    /// <summary>All cases, newest first.</summary>
    Task<IReadOnlyList<InvestigationCase>> GetCasesAsync(CancellationToken ct = default);

    /// <summary>
    /// Adds a listing to a case and audits it under the listing; false when it is already in the case.
    /// Throws <see cref="KeyNotFoundException"/> when the case does not exist.
    /// </summary>
    Task<bool> AddListingToCaseAsync(CaseListing entry, CancellationToken ct = default);

    /// <summary>The listings of a case in the order they were added.</summary>
    Task<IReadOnlyList<CaseListing>> GetCaseListingsAsync(string caseId, CancellationToken ct = default);

    // ---- Audit and retention.

    /// <summary>Appends to the audit log; entries are never changed or removed.</summary>
    Task AppendAuditAsync(AuditEntry entry, CancellationToken ct = default);

    /// <summary>Audit entries, oldest first (in append order within the same instant), optionally for one subject or actor.</summary>
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? subject = null, string? actor = null, int limit = 1000, CancellationToken ct = default);

    /// <summary>
    /// Removes the raw artifacts (HTML, text, screenshot) of captures older than <paramref name="olderThan"/> that are
    /// settled without an alert: extracted, and either no listing or a listing whose every score is decided and has no
    /// alert. The capture row and its manifest stay; an artifact another capture still needs stays too.
    /// Evidence of an alerted listing is never purged.
    /// </summary>
    Task<PurgeResult> PurgeRawCapturesAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    // ---- Politeness shared by fetcher replicas.

    /// <summary>
    /// Takes the turn of <paramref name="host"/> for <paramref name="holder"/> when nobody holds it (or the holder's
    /// lease ran out, as after a crash) and its next allowed time has come. One turn per host at a time across every
    /// process that shares the store.
    /// </summary>
    Task<HostTurnOffer> TryTakeHostTurnAsync(string host, string holder, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default);

    /// <summary>Ends <paramref name="holder"/>'s turn of the host; nobody gets the next turn before <paramref name="nextAllowedAt"/>.</summary>
    Task EndHostTurnAsync(string host, string holder, DateTimeOffset nextAllowedAt, CancellationToken ct = default);
    // ---- Listing traits and seller linking.

    /// <summary>Saves (replaces) what extraction learned about a listing beyond its fields; a redelivery writes the same again.</summary>
    Task SaveListingTraitsAsync(ListingTraits traits, CancellationToken ct = default);

    Task<ListingTraits?> GetListingTraitsAsync(string listingId, CancellationToken ct = default);

    /// <summary>The listings whose saved traits name this contact (kind and canonical value), in id order.</summary>
    Task<IReadOnlyList<string>> FindListingsByContactAsync(string kind, string value, CancellationToken ct = default);

    /// <summary>Stored listing images whose perceptual hash is within <paramref name="maxDistance"/> bits of <paramref name="perceptualHash"/>, nearest first.</summary>
    Task<IReadOnlyList<ImageMatch>> FindSimilarImagesAsync(ulong perceptualHash, int maxDistance, CancellationToken ct = default);

    /// <summary>Stores links between listings (idempotent on both listings, kind and evidence); returns how many were new.</summary>
    Task<int> AddActorLinksAsync(IReadOnlyList<ActorLink> links, CancellationToken ct = default);

    /// <summary>The links that touch any of <paramref name="listingIds"/>, or every link when it is null.</summary>
    Task<IReadOnlyList<ActorLink>> GetActorLinksAsync(IReadOnlyCollection<string>? listingIds = null, CancellationToken ct = default);
}
