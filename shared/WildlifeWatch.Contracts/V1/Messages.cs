// Version 1 of the pipeline's message contracts. A breaking change adds a V2 namespace beside this
// one so that old and new services can run side by side during a rolling upgrade.
namespace WildlifeWatch.Contracts.V1;

/// <summary>Every message carries the id that ties it to one page's journey and the crawl it belongs to.</summary>
public interface IPipelineMessage
{
    Guid CorrelationId { get; }
    string CrawlId { get; }
}

/// <summary>
/// The scheduler admitted a URL to the frontier and asks a fetcher to capture it. <c>RenderMode</c> is the seed's
/// (<c>browser</c>, <c>http</c>, <c>auto</c>; null: the fetcher's default); <c>HostDelayMs</c> is the spacing the host
/// asked for (the seed's rate or robots.txt Crawl-delay, the larger; null: the fetcher's default); <c>Cookies</c> are the
/// seed's login-free session cookies for the URL's host (a region, age or consent choice the site needs).
/// </summary>
public sealed record FetchRequested(
    Guid CorrelationId,
    string CrawlId,
    string SeedId,
    string Url,
    string NormalizedUrl,
    int Depth,
    DateTimeOffset RequestedAt,
    string? RenderMode = null,
    int? HostDelayMs = null,
    IReadOnlyList<SessionCookie>? Cookies = null) : IPipelineMessage;

/// <summary>A cookie sent to <c>Domain</c> (and its subdomains) on paths under <c>Path</c>.</summary>
public sealed record SessionCookie(string Name, string Value, string Domain, string Path = "/");

/// <summary>A fetcher captured a page; the artifacts are in the store, addressed by their SHA-256.</summary>
public sealed record PageCaptured(
    Guid CorrelationId,
    string CrawlId,
    string SeedId,
    string CaptureId,
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
    string ManifestSha256) : IPipelineMessage;

/// <summary>
/// The links a captured page points to, for the scheduler to admit within the seed's scope. <c>AnchorTexts</c> maps a
/// link to the text of its anchors, which the scheduler scores to focus the crawl (absent for a re-announced capture).
/// </summary>
public sealed record LinksDiscovered(
    Guid CorrelationId,
    string CrawlId,
    string SeedId,
    string SourceNormalizedUrl,
    int SourceDepth,
    IReadOnlyList<string> Links,
    IReadOnlyDictionary<string, string>? AnchorTexts = null) : IPipelineMessage;

/// <summary>A fetch ended without a capture; the frontier entry is closed with the reason (and the HTTP status of a 4xx/5xx answer).</summary>
public sealed record FetchFailed(
    Guid CorrelationId,
    string CrawlId,
    string SeedId,
    string Url,
    string NormalizedUrl,
    string Reason,
    DateTimeOffset FailedAt,
    int? Status = null) : IPipelineMessage;

/// <summary>One lexicon term found in a listing's text.</summary>
public sealed record LexiconHit(
    string Term,
    string Language,
    string Taxon,
    string CitesAppendix,
    string SpeciesGroup,
    string ProductType,
    bool Negative,
    int Start,
    int Length);

/// <summary>The extractor found a sale listing on a captured page and turned it into fields and features.</summary>
public sealed record ListingExtracted(
    Guid CorrelationId,
    string CrawlId,
    string ListingId,
    string CaptureId,
    string Url,
    string Title,
    string Description,
    decimal? Price,
    string? Currency,
    string? Seller,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<LexiconHit> LexiconHits) : IPipelineMessage
{
    /// <summary>Language of the listing's text (a lexicon language code such as "en", "zh-Hant"), or null when unsure.</summary>
    public string? Language { get; init; }

    /// <summary>Phones, e-mails, messenger handles, crypto addresses and external URLs found in the listing.</summary>
    public IReadOnlyList<ContactIdentifier> Contacts { get; init; } = [];

    /// <summary>The listing images that could be fetched and decoded, with their perceptual hashes.</summary>
    public IReadOnlyList<ListingImage> Images { get; init; } = [];

    public string? SellerProfileUrl { get; init; }

    public string? Location { get; init; }

    public DateTimeOffset? PostedAt { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The actor (seller group) the listing was linked to, when it shares an identifier or image with another listing.</summary>
    public string? ActorId { get; init; }
}

/// <summary>The classifier scored a listing; the score is stored with the model that produced it.</summary>
public sealed record ListingScored(
    Guid CorrelationId,
    string CrawlId,
    string ListingId,
    string Url,
    double Score,
    string ModelVersion,
    string? SpeciesGroup,
    DateTimeOffset ScoredAt) : IPipelineMessage;

public enum AlertSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>A listing crossed the alert threshold; investigators subscribed to it are told.</summary>
public sealed record AlertRaised(
    Guid CorrelationId,
    string CrawlId,
    string AlertId,
    string ListingId,
    string Url,
    string Title,
    double Score,
    string ModelVersion,
    AlertSeverity Severity,
    string SpeciesGroup,
    string Platform,
    DateTimeOffset RaisedAt,
    string? Country = null) : IPipelineMessage;

/// <summary>
/// A rescore changed a listing's alert: a higher score, or a newer model's score over the threshold. The listing keeps
/// one alert (<c>AlertId</c>) across captures; the <c>Previous*</c> members say what it carried before. Routed like
/// <see cref="AlertRaised"/>, by the alert's new severity.
/// </summary>
public sealed record AlertUpdated(
    Guid CorrelationId,
    string CrawlId,
    string AlertId,
    string ListingId,
    string Url,
    string Title,
    double Score,
    string ModelVersion,
    AlertSeverity Severity,
    string SpeciesGroup,
    string Platform,
    DateTimeOffset UpdatedAt,
    int Revision,
    double PreviousScore,
    string PreviousModelVersion,
    AlertSeverity PreviousSeverity,
    DateTimeOffset RaisedAt,
    string? Country = null) : IPipelineMessage;

/// <summary>The roles a published model can take in the classifiers.</summary>
public static class ModelRoles
{
    /// <summary>Scores every listing; its scores are stored, announced and may alert.</summary>
    public const string Live = "live";

    /// <summary>A challenger: scores every listing beside the live model; its scores are stored apart and never alert.</summary>
    public const string Shadow = "shadow";

    /// <summary>The shadow challenger is withdrawn (the message's model version names it).</summary>
    public const string ShadowRetired = "shadow-retired";
}

/// <summary>
/// An operator published a registered model in a role (<see cref="ModelRoles"/>); every running classifier loads it
/// and swaps it in without a restart. Not tied to a crawl.
/// </summary>
public sealed record ModelPublished(
    Guid CorrelationId,
    string ModelVersion,
    string Role,
    string PublishedBy,
    DateTimeOffset PublishedAt);

/// <summary>Kinds of contact and identifier the extractor reads from a listing (values of <see cref="ContactIdentifier.Kind"/>).</summary>
public static class ContactKinds
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string WhatsApp = "whatsapp";
    public const string WeChat = "wechat";
    public const string Telegram = "telegram";
    public const string Line = "line";
    public const string Zalo = "zalo";
    public const string Bitcoin = "btc";
    public const string Ethereum = "eth";
    public const string Tron = "trx";
    public const string Url = "url";
}

/// <summary>
/// A way to reach or pay a seller, in a canonical form that two listings share when they name the same one:
/// phones in E.164, e-mails and handles in lower case, crypto addresses as written (checksums verified).
/// </summary>
public sealed record ContactIdentifier(string Kind, string Value);

/// <summary>A listing image as fetched: its evidence hash, 64-bit perceptual hash and what its metadata says.</summary>
public sealed record ListingImage(
    string Url,
    string Sha256,
    ulong PerceptualHash,
    int Width,
    int Height,
    string Format)
{
    /// <summary>Structure of the picture (grey-level deviation from a smooth gradient); low for placeholders and banners.</summary>
    public double Detail { get; init; }

    public double? GpsLatitude { get; init; }
    public double? GpsLongitude { get; init; }
    public DateTimeOffset? TakenAt { get; init; }
    public string? CameraMake { get; init; }
    public string? CameraModel { get; init; }
    public string? CameraSerial { get; init; }
}
