using System.Net;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Scheduler.Tests.Fixtures;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class CrawlPlannerTests
{
    private const string Site = "http://127.0.0.1:5999/";
    private PlannerHarness _harness = null!;
    private SqlitePipelineStore _store = null!;
    private CrawlPlanner _planner = null!;
    private RobotsHandler _robots = null!;

    [SetUp]
    public async Task SetUp()
    {
        _robots = new RobotsHandler("User-agent: *\nDisallow: /account/\n");
        _harness = await PlannerHarness.StartAsync(new HttpClient(_robots));
        _store = _harness.Store;
        _planner = _harness.Planner;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _harness.DisposeAsync();
        _robots.Dispose();
    }

    [Test]
    public async Task Starting_a_crawl_requests_each_start_url_once_and_a_restart_requests_none_again()
    {
        var seeds = Seeds(Site, Site + "#top", Site + "c/pets");

        var first = await _planner.StartAsync("c1", seeds, CancellationToken.None);
        var second = await _planner.StartAsync("c1", seeds, CancellationToken.None);

        Assert.That((first, second), Is.EqualTo((2, 0)));
        Assert.That(Requested().Select(r => (r.NormalizedUrl, r.Depth)), Is.EquivalentTo(new[] { (Site, 0), (Site + "c/pets", 0) }));
    }

    [Test]
    public async Task Discovered_links_are_admitted_once_within_scope_depth_and_robots()
    {
        await _planner.StartAsync("c1", Seeds(Site), CancellationToken.None);
        var links = new[]
        {
            "/item/1", "item/1#photos", Site + "item/1?utm_source=feed", // one page, three spellings
            "/item/2",
            "/account/login",                                            // robots.txt disallows
            "http://127.0.0.2:5999/about",                               // another host
            "mailto:seller@example.com",
        };

        var admitted = await _planner.TakeLinksAsync(Links(Site, 0, links), CancellationToken.None);
        var again = await _planner.TakeLinksAsync(Links(Site + "item/2", 1, ["/item/1", "/item/3"]), CancellationToken.None);

        Assert.That(admitted, Is.EqualTo(2));
        Assert.That(again, Is.EqualTo(1));
        Assert.That(Requested().Select(r => r.NormalizedUrl), Is.EquivalentTo(new[] { Site, Site + "item/1", Site + "item/2", Site + "item/3" }));
        var frontier = (await _store.GetFrontierAsync("c1")).ToDictionary(e => e.NormalizedUrl);
        Assert.That(frontier[Site].State, Is.EqualTo(FrontierState.Done));
        Assert.That(frontier[Site + "item/3"].Depth, Is.EqualTo(2));
    }

    [Test]
    public async Task Links_beyond_the_seed_depth_are_not_admitted_but_close_their_page()
    {
        await _planner.StartAsync("c1", Seeds(Site, maxDepth: 1), CancellationToken.None);
        await _planner.TakeLinksAsync(Links(Site, 0, ["/c/pets"]), CancellationToken.None);

        var admitted = await _planner.TakeLinksAsync(Links(Site + "c/pets", 1, ["/item/1"]), CancellationToken.None);

        Assert.That(admitted, Is.Zero);
        var frontier = await _store.GetFrontierAsync("c1");
        Assert.That(frontier.Select(e => (e.NormalizedUrl, e.State)), Is.EquivalentTo(new[] { (Site, FrontierState.Done), (Site + "c/pets", FrontierState.Done) }));
    }

    [Test]
    public async Task A_failed_fetch_closes_its_entry_with_the_reason()
    {
        await _planner.StartAsync("c1", Seeds(Site), CancellationToken.None);

        await _planner.RecordFailureAsync(new FetchFailed(Guid.NewGuid(), "c1", "s", Site, Site, "HTTP 404", DateTimeOffset.UtcNow), CancellationToken.None);

        var entry = (await _store.GetFrontierAsync("c1")).Single();
        Assert.That((entry.State, entry.Error), Is.EqualTo((FrontierState.Failed, "HTTP 404")));
        Assert.That((await _store.GetProgressAsync("c1")).IsIdle, Is.True);
    }

    [Test]
    public async Task An_unreachable_robots_txt_admits_nothing()
    {
        _robots.Status = HttpStatusCode.ServiceUnavailable;

        var admitted = await _planner.StartAsync("c1", Seeds(Site), CancellationToken.None);

        Assert.That(admitted, Is.Zero);
        Assert.That(Requested(), Is.Empty);
    }

    [Test]
    public async Task Links_of_a_crawl_started_elsewhere_use_the_seeds_in_the_store()
    {
        await _store.CreateCrawlAsync(new Crawl("c9", DateTimeOffset.UtcNow, SeedsLoader.ToJson(Seeds(Site))));
        await _store.AdmitAsync([new FrontierEntry("c9", Site, Site, "s", 0, FrontierState.Queued, DateTimeOffset.UtcNow)]);

        var admitted = await _planner.TakeLinksAsync(Links(Site, 0, ["/item/1", "http://127.0.0.3/"], "c9"), CancellationToken.None);

        Assert.That(admitted, Is.EqualTo(1));
    }

    private List<FetchRequested> Requested() => _harness.Requested();

    private static SeedSet Seeds(params string[] startUrls) => Seeds(startUrls, 3);

    private static SeedSet Seeds(string startUrl, int maxDepth) => Seeds([startUrl], maxDepth);

    private static SeedSet Seeds(string[] startUrls, int maxDepth) =>
        new() { Seeds = [new Seed { Id = "s", StartUrls = [.. startUrls], MaxDepth = maxDepth }] };

    private static LinksDiscovered Links(string source, int depth, string[] links, string crawl = "c1") =>
        new(Guid.NewGuid(), crawl, "s", source, depth, links);

    /// <summary>Answers robots.txt requests without a network.</summary>
    private sealed class RobotsHandler(string body) : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.RequestUri!.AbsolutePath == "/robots.txt" && Status == HttpStatusCode.OK
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) }
                : new HttpResponseMessage(Status == HttpStatusCode.OK ? HttpStatusCode.NotFound : Status));
    }
}
