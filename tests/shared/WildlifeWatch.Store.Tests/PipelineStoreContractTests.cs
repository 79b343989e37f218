using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Store.Tests;

/// <summary>The behaviour every store must have; each implementation runs this suite through a subclass.</summary>
public abstract class PipelineStoreContractTests
{
    private const string ExpectedSha = "ee8250fb76e094b34b471f13a73dbbe51d1ae142e9df59d7c0d31ec20f0a0a8e";
    private IPipelineStore _store = null!;

    protected abstract Task<IPipelineStore> CreateStoreAsync();

    protected abstract Task DisposeStoreAsync();

    [SetUp]
    public async Task SetUpStore()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
    }

    [TearDown]
    public Task TearDownStore() => DisposeStoreAsync();

    [Test]
    public async Task Initialize_twice_keeps_the_data()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.InitializeAsync();
        Assert.That(await _store.GetCrawlAsync("c1"), Is.Not.Null);
    }

    [Test]
    public async Task Admit_returns_only_urls_new_to_the_crawl()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.CreateCrawlAsync(NewCrawl("c2"));
        var first = await _store.AdmitAsync([Entry("c1", "http://a/1"), Entry("c1", "http://a/2")]);
        var second = await _store.AdmitAsync([Entry("c1", "http://a/2"), Entry("c1", "http://a/3"), Entry("c2", "http://a/1")]);

        Assert.That(first.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/1", "http://a/2" }));
        Assert.That(second.Select(e => (e.CrawlId, e.NormalizedUrl)), Is.EqualTo(new[] { ("c1", "http://a/3"), ("c2", "http://a/1") }));
        Assert.That(await _store.GetFrontierAsync("c1"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Expand_closes_the_source_entry_and_admits_new_links_once()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/")]);

        var admitted = await _store.ExpandAsync("c1", "http://a/", [Entry("c1", "http://a/x", 1), Entry("c1", "http://a/", 1)]);
        var again = await _store.ExpandAsync("c1", "http://a/", [Entry("c1", "http://a/x", 1)]);

        Assert.That(admitted.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/x" }));
        Assert.That(again, Is.Empty);
        var frontier = (await _store.GetFrontierAsync("c1")).ToDictionary(e => e.NormalizedUrl);
        Assert.That(frontier["http://a/"].State, Is.EqualTo(FrontierState.Done));
        Assert.That(frontier["http://a/x"].State, Is.EqualTo(FrontierState.Queued));
    }

    [Test]
    public async Task A_failed_fetch_keeps_its_reason()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/")]);
        await _store.MarkFailedAsync("c1", "http://a/", "HTTP 404");

        var entry = (await _store.GetFrontierAsync("c1")).Single();
        Assert.That((entry.State, entry.Error), Is.EqualTo((FrontierState.Failed, "HTTP 404")));
    }

    [Test]
    public async Task Artifacts_are_addressed_by_their_sha256()
    {
        var bytes = "evidence"u8.ToArray();
        var sha = await _store.PutArtifactAsync(bytes, "text/plain");
        var again = await _store.PutArtifactAsync(bytes, "text/plain");

        // SHA-256 of "evidence", computed independently (sha256sum).
        Assert.That(sha, Is.EqualTo(ExpectedSha));
        Assert.That(again, Is.EqualTo(sha));
        Assert.That(await _store.GetArtifactAsync(sha), Is.EqualTo(bytes));
        Assert.That(await _store.GetArtifactAsync(new string('0', 64)), Is.Null);
    }

    [Test]
    public async Task A_capture_is_stored_once_per_id()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/item/1");

        Assert.That(await _store.AddCaptureAsync(capture), Is.True);
        Assert.That(await _store.AddCaptureAsync(capture with { HttpStatus = 500 }), Is.False);
        Assert.That((await _store.GetCaptureAsync("cap1"))!.HttpStatus, Is.EqualTo(200));
        Assert.That(await _store.GetCapturesAsync("c1"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Progress_follows_a_page_through_every_stage()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/item/1")]);
        Assert.That((await _store.GetProgressAsync("c1")).IsIdle, Is.False, "queued");

        var capture = await NewCaptureAsync("c1", "cap1", "http://a/item/1", createCrawl: false);
        await _store.AddCaptureAsync(capture);
        await _store.ExpandAsync("c1", "http://a/item/1", []);
        var p = await _store.GetProgressAsync("c1");
        Assert.That((p.FrontierQueued, p.CapturesPendingExtraction, p.IsIdle), Is.EqualTo((0, 1, false)), "captured");

        await _store.CompleteExtractionAsync("cap1", NewListing("l1", "c1", "cap1"));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.CapturesPendingExtraction, p.ListingsPendingScore, p.IsIdle), Is.EqualTo((0, 1, false)), "extracted");

        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, DateTimeOffset.UtcNow));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.ListingsPendingScore, p.ScoresPendingAlertDecision, p.IsIdle), Is.EqualTo((0, 1, false)), "scored");

        await _store.CompleteAlertDecisionAsync("l1", "m1", NewAlert("l1", "c1"));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.ScoresPendingAlertDecision, p.Alerts, p.IsIdle), Is.EqualTo((0, 1, true)), "decided");
    }

    [Test]
    public async Task Listing_round_trips_with_its_lexicon_hits_and_latest_score()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/item/1"));
        var listing = NewListing("l1", "c1", "cap1");
        await _store.CompleteExtractionAsync("cap1", listing);
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.25, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.75, DateTimeOffset.UtcNow));

        var stored = await _store.GetListingAsync("l1");
        var scored = (await _store.GetScoredListingsAsync("c1")).Single();

        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Title, Is.EqualTo(listing.Title));
        Assert.That(stored.Price, Is.EqualTo(1250.50m));
        Assert.That(stored.ImageUrls, Is.EqualTo(listing.ImageUrls));
        Assert.That(stored.LexiconHits, Is.EqualTo(listing.LexiconHits));
        Assert.That(scored.Score!.ModelVersion, Is.EqualTo("m2"));
    }

    [Test]
    public async Task Concurrent_duplicate_alert_decisions_store_one_alert()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/item/1"));
        await _store.CompleteExtractionAsync("cap1", NewListing("l1", "c1", "cap1"));
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, DateTimeOffset.UtcNow));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _store.CompleteAlertDecisionAsync("l1", "m1", NewAlert("l1", "c1"))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That(await _store.GetAlertsAsync("c1"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Crawls_are_listed_newest_first()
    {
        await _store.CreateCrawlAsync(new Crawl("old", DateTimeOffset.UtcNow.AddDays(-1), "{}"));
        await _store.CreateCrawlAsync(new Crawl("new", DateTimeOffset.UtcNow, "{}"));

        Assert.That((await _store.GetCrawlsAsync()).Select(c => c.Id), Is.EqualTo(new[] { "new", "old" }));
    }

    private static Crawl NewCrawl(string id) => new(id, DateTimeOffset.UtcNow, "{\"seeds\":[]}");

    private static FrontierEntry Entry(string crawl, string url, int depth = 0) =>
        new(crawl, url, url, "seed", depth, FrontierState.Queued, DateTimeOffset.UtcNow);

    private async Task<Capture> NewCaptureAsync(string crawl, string id, string url, bool createCrawl = true)
    {
        if (createCrawl)
        {
            await _store.CreateCrawlAsync(NewCrawl(crawl));
        }

        var html = await _store.PutArtifactAsync("<html></html>"u8.ToArray(), "text/html");
        var text = await _store.PutArtifactAsync("text"u8.ToArray(), "text/plain");
        var shot = await _store.PutArtifactAsync(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png");
        var manifest = await _store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"h\":\"{html}\",\"t\":\"{text}\",\"s\":\"{shot}\"}}"), "application/json");
        var now = DateTimeOffset.UtcNow;
        return new Capture(id, crawl, "seed", url, url, url, 200, 1, now, now, html, text, shot, manifest);
    }

    private static Listing NewListing(string id, string crawl, string capture) => new(
        id, crawl, capture, "http://a/item/1", "Carved ivory bangle", "Old stock, pre-ban.", 1250.50m, "USD", "seller-1",
        ["http://a/img/1.png"], [new LexiconHit("ivory", "en", "Loxodonta africana", "I", "elephants", "ivory", false, 7, 5)], DateTimeOffset.UtcNow);

    private static Alert NewAlert(string listing, string crawl) =>
        new("a-" + listing, listing, crawl, 0.9, 0.5, "m1", AlertSeverity.High, "elephants", "a", DateTimeOffset.UtcNow);
}
