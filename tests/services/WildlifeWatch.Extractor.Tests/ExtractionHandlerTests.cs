using System.Text;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Extractor.Tests;

[NonParallelizable]
public sealed class ExtractionHandlerTests
{
    private const string CrawlId = "crawl-x";
    private const string ListingHtml =
        """
        <html><head><script type="application/ld+json">
        {"@type":"Product","name":"Carved ivory bangle","description":"Antique, pre-ban",
         "offers":{"price":"300","priceCurrency":"USD"}}
        </script></head><body><h1>Carved ivory bangle</h1></body></html>
        """;

    private TemporaryStore _temporary = null!;
    private SqlitePipelineStore _store = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _temporary = await TemporaryStore.CreateAsync(CrawlId, "wtw-extractor");
        _store = _temporary.Store;
    }

    [TearDown]
    public void DeleteStore() => _temporary.Dispose();

    [Test]
    public async Task Handler_stores_the_listing_with_lexicon_hits_then_publishes_it()
    {
        var message = await CaptureAsync("https://market.example/item/1", ListingHtml);
        var matcher = new FakeLexicon("ivory");
        bool? storedWhenPublished = null;
        var publisher = new RecordingPublishEndpoint(async m =>
        {
            if (m is ListingExtracted l)
            {
                storedWhenPublished = await _store.GetListingAsync(l.ListingId) is not null;
            }
        });

        await new ExtractionHandler(_store, new ListingExtractor(), matcher).HandleAsync(message, publisher);

        var published = publisher.Of<ListingExtracted>().Single();
        var stored = await _store.GetListingAsync(published.ListingId);
        var progress = await _store.GetProgressAsync(CrawlId);
        Assert.Multiple(() =>
        {
            Assert.That(storedWhenPublished, Is.True, "stored, then announced");
            Assert.That(published.ListingId, Is.EqualTo(Hashing.Sha256Hex(CrawlId + "\n" + message.NormalizedUrl)[..32]));
            Assert.That(published.CaptureId, Is.EqualTo(message.CaptureId));
            Assert.That(published.CorrelationId, Is.EqualTo(message.CorrelationId));
            Assert.That(published.Title, Is.EqualTo("Carved ivory bangle"));
            Assert.That(published.Price, Is.EqualTo(300m));
            Assert.That(published.Currency, Is.EqualTo("USD"));
            Assert.That(published.LexiconHits.Select(h => h.Term), Is.EqualTo(new[] { "ivory" }));
            Assert.That(matcher.Texts, Is.EqualTo(new[] { "Carved ivory bangle\nAntique, pre-ban" }));
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.LexiconHits, Has.Count.EqualTo(1));
            Assert.That(stored.Title, Is.EqualTo(published.Title));
            Assert.That(progress.CapturesPendingExtraction, Is.Zero);
            Assert.That(progress.Listings, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Handler_completes_a_non_listing_page_without_publishing()
    {
        var message = await CaptureAsync("https://market.example/", "<html><body><h1>Welcome</h1></body></html>");
        var publisher = new RecordingPublishEndpoint();

        await new ExtractionHandler(_store, new ListingExtractor(), new FakeLexicon()).HandleAsync(message, publisher);

        var progress = await _store.GetProgressAsync(CrawlId);
        Assert.Multiple(() =>
        {
            Assert.That(publisher.Messages, Is.Empty);
            Assert.That(progress.CapturesPendingExtraction, Is.Zero);
            Assert.That(progress.Listings, Is.Zero);
        });
    }

    [Test]
    public async Task Handler_given_the_same_capture_twice_keeps_one_listing()
    {
        var message = await CaptureAsync("https://market.example/item/2", ListingHtml);
        var publisher = new RecordingPublishEndpoint();
        var handler = new ExtractionHandler(_store, new ListingExtractor(), new FakeLexicon("ivory"));

        await handler.HandleAsync(message, publisher);
        await handler.HandleAsync(message, publisher);

        var published = publisher.Of<ListingExtracted>();
        Assert.Multiple(async () =>
        {
            Assert.That((await _store.GetProgressAsync(CrawlId)).Listings, Is.EqualTo(1));
            Assert.That(published, Has.Count.EqualTo(2));
            Assert.That(published[1].ListingId, Is.EqualTo(published[0].ListingId));
        });
    }

    [Test]
    public async Task Handler_throws_when_the_capture_html_is_missing()
    {
        var message = await CaptureAsync("https://market.example/item/3", ListingHtml) with { HtmlSha256 = new string('0', 64) };

        Assert.That(
            () => new ExtractionHandler(_store, new ListingExtractor(), new FakeLexicon()).HandleAsync(message, new RecordingPublishEndpoint()),
            Throws.InvalidOperationException);
    }

    private Task<PageCaptured> CaptureAsync(string url, string html) => _temporary.CaptureAsync(CrawlId, url, html);

    private sealed class FakeLexicon(params string[] terms) : ILexiconMatcher
    {
        public List<string> Texts { get; } = [];

        public IReadOnlyList<LexiconHit> Match(string text)
        {
            Texts.Add(text);
            return terms
                .Select(t => (Term: t, At: text.IndexOf(t, StringComparison.OrdinalIgnoreCase)))
                .Where(x => x.At >= 0)
                .Select(x => new LexiconHit(x.Term, "en", "Loxodonta africana", "I", "elephant", "ivory", false, x.At, x.Term.Length))
                .ToList();
        }
    }
}
