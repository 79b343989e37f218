using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Detection.Contacts;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;

namespace WildlifeWatch.Extractor;

/// <summary>
/// Turns a captured page into a stored listing with its lexicon hits, then announces it. Pages that are
/// not listings are marked as extracted so that the crawl's progress can reach idle.
/// </summary>
public sealed class ExtractionHandler
{
    private readonly IPipelineStore _store;
    private readonly ListingExtractor _extractor;
    private readonly ILexiconMatcher _lexicon;
    private readonly TimeProvider _time;
    private readonly ILogger<ExtractionHandler> _logger;
    private readonly ListingEnricher _enricher;
    private readonly SellerLinker _linker;

    public ExtractionHandler(
        IPipelineStore store,
        ListingExtractor extractor,
        ILexiconMatcher lexicon,
        TimeProvider? time = null,
        ILogger<ExtractionHandler>? logger = null,
        ListingEnricher? enricher = null,
        ExtractorOptions? options = null)
    {
        _store = store;
        _extractor = extractor;
        _lexicon = lexicon;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ExtractionHandler>.Instance;
        _enricher = enricher ?? new ListingEnricher(new ContactExtractor(), LanguageIdentifier.Default);
        var settings = options ?? new ExtractorOptions();
        _linker = new SellerLinker(store, settings.NearDuplicateMaxDistance, settings.StockImageListings, settings.MinImageDetail, _time);
    }

    /// <summary>Deterministic per crawl and page, so a redelivered capture never yields a second listing.</summary>
    public static string ListingIdFor(string crawlId, string normalizedUrl) =>
        Hashing.Sha256Hex(crawlId + "\n" + normalizedUrl)[..32];

    public async Task HandleAsync(PageCaptured message, IPublishEndpoint publisher, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(publisher);

        // A capture announced without its HTML is an inconsistency to retry and then surface, not a non-listing.
        var html = await _store.GetArtifactAsync(message.HtmlSha256, ct)
            ?? throw new InvalidOperationException($"HTML artifact {message.HtmlSha256} of capture {message.CaptureId} is not in the store.");
        var pageUrl = Uri.TryCreate(message.FinalUrl, UriKind.Absolute, out var final) ? final : new Uri(message.Url);

        var extracted = PipelineTelemetry.MeasureExtraction(() => _extractor.Extract(Encoding.UTF8.GetString(html), pageUrl));
        if (extracted is null)
        {
            _logger.LogDebug("Capture {CaptureId} ({Url}) is not a listing", message.CaptureId, message.Url);
            await PipelineTelemetry.StoreWriteAsync("extraction", () => _store.CompleteExtractionAsync(message.CaptureId, null, ct));
            return;
        }

        var listing = new Listing(
            ListingIdFor(message.CrawlId, message.NormalizedUrl),
            message.CrawlId,
            message.CaptureId,
            pageUrl.AbsoluteUri,
            extracted.Title,
            extracted.Description,
            extracted.Price,
            extracted.Currency,
            extracted.Seller,
            extracted.ImageUrls,
            PipelineTelemetry.LexiconScan(() => _lexicon.Match(extracted.Title + "\n" + extracted.Description)),
            _time.GetUtcNow())
        {
            Country = ListingEnricher.RegionOf(extracted, pageUrl),
        };
        await PipelineTelemetry.StoreWriteAsync("listing", () => _store.CompleteExtractionAsync(message.CaptureId, listing, ct));

        // On a redelivery the first stored listing is the record; announce exactly that one.
        var stored = await _store.GetListingAsync(listing.Id, ct) ?? listing;

        // Traits are recomputed on a redelivery and saved whole, so the result is the same; then links are added.
        var traits = await _enricher.EnrichAsync(stored.Id, extracted, pageUrl, _store, ct);
        await _store.SaveListingTraitsAsync(traits, ct);
        var actor = await _linker.LinkAsync(traits, ct);

        _logger.LogInformation("Listing {ListingId} from {Url} ({Source}, {Hits} lexicon hits, {Contacts} contacts, {Images} images, actor {Actor})",
            stored.Id, stored.Url, extracted.Source, stored.LexiconHits.Count, traits.Contacts.Count, traits.Images.Count, actor?.Id);
        await publisher.Publish(new ListingExtracted(
            message.CorrelationId, message.CrawlId, stored.Id, stored.CaptureId, stored.Url, stored.Title, stored.Description,
            stored.Price, stored.Currency, stored.Seller, stored.ImageUrls, stored.LexiconHits)
        {
            Language = traits.Language,
            Contacts = traits.Contacts,
            Images = traits.Images,
            SellerProfileUrl = traits.SellerProfileUrl,
            Location = traits.Location,
            PostedAt = traits.PostedAt,
            Categories = traits.Categories,
            ActorId = actor?.Id,
        }, ct);
    }
}
