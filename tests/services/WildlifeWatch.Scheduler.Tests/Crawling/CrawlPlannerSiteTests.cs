using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Scheduler.Tests.Fixtures;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

/// <summary>The planner against a fixture site on 127.0.0.1: robots.txt, sitemaps, host delay, focused release order, content dedupe.</summary>
public sealed class CrawlPlannerSiteTests : LoopbackSiteTests
{

    [Test]
    public async Task Sitemaps_named_by_robots_txt_and_by_the_seed_are_admitted_within_scope_and_robots_rules()
    {
        Site.Serve("/robots.txt", $"User-agent: *\nDisallow: /private/\nSitemap: {Site.Url("/sitemap_index.xml")}\n", "text/plain");
        Site.Serve("/sitemap_index.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>{Site.Url("/sitemap-items.xml.gz")}</loc></sitemap>
              <sitemap><loc>{Site.Url("/sitemap-missing.xml")}</loc></sitemap>
            </sitemapindex>
            """, "application/xml");
        Site.ServeGzip("/sitemap-items.xml.gz", UrlSet(Site.Url("/item/1"), Site.Url("/item/2?utm_source=sitemap"), Site.Url("/private/item/3"), "http://elsewhere.example/item/4"));
        Site.Serve("/extra.xml", UrlSet(Site.Url("/item/5")), "text/xml");
        await using var harness = await PlannerHarness.StartAsync(Http);

        var admitted = await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/")], Sitemaps = [Site.Url("/extra.xml")] }), CancellationToken.None);

        var frontier = await harness.Store.GetFrontierAsync("c1");
        Assert.That(frontier.Select(f => (f.NormalizedUrl, f.Depth)), Is.EquivalentTo(new[]
        {
            (Site.Url("/"), 0), (Site.Url("/item/1"), 1), (Site.Url("/item/2"), 1), (Site.Url("/item/5"), 1),
        }));
        Assert.That(admitted, Is.EqualTo(4));
        Assert.That(Site.Requested, Does.Contain("/sitemap-missing.xml"), "a missing sitemap is skipped, not fatal");
    }

    [Test]
    public async Task Robots_txt_disallow_keeps_links_out_and_its_crawl_delay_travels_with_each_request()
    {
        Site.Serve("/robots.txt", "User-agent: *\nDisallow: /account/\nCrawl-delay: 2\n", "text/plain");
        await using var harness = await PlannerHarness.StartAsync(Http);
        await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/")], RenderMode = "http" }), CancellationToken.None);

        await harness.Planner.TakeLinksAsync(Links(Site.Url("/"), 0, "/account/login", "/item/1"), CancellationToken.None);

        var requests = harness.Requested();
        Assert.That(requests.Select(r => r.NormalizedUrl), Is.EqualTo(new[] { Site.Url("/"), Site.Url("/item/1") }));
        Assert.That(requests.Select(r => (r.HostDelayMs, r.RenderMode)), Is.All.EqualTo(((int?)2000, "http")));
    }

    [Test]
    public async Task A_seed_rate_slower_than_the_crawl_delay_wins()
    {
        Site.Serve("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", "text/plain");
        await using var harness = await PlannerHarness.StartAsync(Http);

        await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/")], RequestsPerMinute = 20 }), CancellationToken.None);

        Assert.That(harness.Requested().Single().HostDelayMs, Is.EqualTo(3000));
    }

    [Test]
    public async Task The_frontier_is_released_wildlife_listings_first_then_other_listings_then_navigation()
    {
        await using var harness = await PlannerHarness.StartAsync(Http, o => o.MaxInFlightPerCrawl = 1);
        await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/")] }), CancellationToken.None);

        await harness.Planner.TakeLinksAsync(Links(Site.Url("/"), 0,
            "/c/home-garden", "/about", "/item/1007-vintage-brass-lamp", "/item/1001-carved-ivory-bangle",
            "/search?q=%E8%B1%A1%E7%89%99", "/item/1003-faux-ivory-plastic-replica"), CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            // Each answer frees the one slot for the next entry.
            var last = harness.Requested()[^1];
            await harness.Planner.RecordFailureAsync(new FetchFailed(Guid.NewGuid(), "c1", "s", last.Url, last.NormalizedUrl, "test", DateTimeOffset.UtcNow), CancellationToken.None);
        }

        var order = harness.Requested().Skip(1).Select(r => new Uri(r.NormalizedUrl).PathAndQuery).ToList();
        Assert.That(order, Has.Count.EqualTo(6));
        Assert.That(order[0], Is.EqualTo("/item/1001-carved-ivory-bangle"));
        Assert.That(order.IndexOf("/item/1007-vintage-brass-lamp"), Is.LessThan(order.IndexOf("/c/home-garden")), "a listing before navigation");
        Assert.That(order.IndexOf("/item/1003-faux-ivory-plastic-replica"), Is.GreaterThan(0), "decoy context does not outrank the wildlife listing");
        Assert.That(order.IndexOf("/search?q=%E8%B1%A1%E7%89%99"), Is.LessThan(order.IndexOf("/about")), "a search for 象牙 (ivory) before plain navigation");
    }

    [Test]
    public async Task Links_whose_urls_say_nothing_are_released_by_the_wildlife_words_of_their_anchors()
    {
        await using var harness = await PlannerHarness.StartAsync(Http, o => o.MaxInFlightPerCrawl = 1);
        await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/")] }), CancellationToken.None);

        await harness.Planner.TakeLinksAsync(Links(Site.Url("/"), 0, "/p/88213", "/p/88214", "/p/88215") with
        {
            AnchorTexts = new Dictionary<string, string> { ["/p/88213"] = "Lámpara de latón antigua", ["/p/88214"] = "Cuerno de rinoceronte tallado" },
        }, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            var last = harness.Requested()[^1];
            await harness.Planner.RecordFailureAsync(new FetchFailed(Guid.NewGuid(), "c1", "s", last.Url, last.NormalizedUrl, "test", DateTimeOffset.UtcNow), CancellationToken.None);
        }

        var order = harness.Requested().Skip(1).Select(r => new Uri(r.NormalizedUrl).AbsolutePath).ToList();
        Assert.That(order, Has.Count.EqualTo(3));
        Assert.That(order[0], Is.EqualTo("/p/88214"), "the carved rhino horn first");
    }

    [Test]
    public async Task Seed_cookies_travel_with_each_request_bound_to_their_domain()
    {
        await using var harness = await PlannerHarness.StartAsync(Http);
        var seed = new Seed
        {
            Id = "s",
            StartUrls = [Site.Url("/")],
            Cookies = [new SeedCookie { Name = "region", Value = "eu" }, new SeedCookie { Name = "consent", Value = "yes", Domain = ".shop.example", Path = "/c" }],
        };

        await harness.Planner.StartAsync("c1", Seeds(seed), CancellationToken.None);
        await harness.Planner.TakeLinksAsync(Links(Site.Url("/"), 0, "/item/1"), CancellationToken.None);

        var host = new Uri(Site.Url("/")).Host;
        Assert.That(harness.Requested().Select(r => r.Cookies), Has.All.EqualTo(new[]
        {
            new SessionCookie("region", "eu", host), new SessionCookie("consent", "yes", "shop.example", "/c"),
        }));
    }

    [Test]
    public async Task A_page_whose_content_was_captured_under_another_url_is_closed_without_following_its_links()
    {
        await using var harness = await PlannerHarness.StartAsync(Http);
        await harness.Planner.StartAsync("c1", Seeds(new Seed { Id = "s", StartUrls = [Site.Url("/"), Site.Url("/index.html")] }), CancellationToken.None);
        var store = harness.Store;
        var text = await store.PutArtifactAsync("same page"u8.ToArray(), "text/plain");
        var now = DateTimeOffset.UtcNow;
        await store.AddCapturesAsync([
            new Capture("k1", "c1", "s", Site.Url("/"), Site.Url("/"), Site.Url("/"), 200, 0, now, now, text, text, text, text),
            new Capture("k2", "c1", "s", Site.Url("/index.html"), Site.Url("/index.html"), Site.Url("/index.html"), 200, 0, now, now.AddSeconds(1), text, text, text, text),
        ]);

        var fromOriginal = await harness.Planner.TakeLinksAsync(Links(Site.Url("/"), 0, "/item/1"), CancellationToken.None);
        var fromCopy = await harness.Planner.TakeLinksAsync(Links(Site.Url("/index.html"), 0, "/item/2"), CancellationToken.None);

        Assert.That((fromOriginal, fromCopy), Is.EqualTo((1, 0)));
        var frontier = (await store.GetFrontierAsync("c1")).ToDictionary(f => new Uri(f.NormalizedUrl).AbsolutePath, f => f.State);
        Assert.That(frontier, Does.Not.ContainKey("/item/2"));
        Assert.That(frontier["/index.html"], Is.EqualTo(FrontierState.Done));
    }

    [Test]
    public async Task Search_templates_are_expanded_over_the_keywords_of_every_language()
    {
        await using var harness = await PlannerHarness.StartAsync(Http);
        var set = new SeedSet
        {
            Keywords = new() { ["en"] = ["ivory"], ["zh"] = ["象牙"] },
            Seeds = [new Seed { Id = "s", SearchTemplates = [Site.Url("/search") + "?q={keyword}"], Keywords = new() { ["es"] = ["marfil"] } }],
        };

        await harness.Planner.StartAsync("c1", set, CancellationToken.None);

        Assert.That(harness.Requested().Select(r => new Uri(r.NormalizedUrl).PathAndQuery), Is.EquivalentTo(new[]
        {
            "/search?q=ivory", "/search?q=%E8%B1%A1%E7%89%99", "/search?q=marfil",
        }));
    }

    private static SeedSet Seeds(Seed seed) => new() { Seeds = [seed] };

    private static LinksDiscovered Links(string source, int depth, params string[] links) => new(Guid.NewGuid(), "c1", "s", source, depth, links);

    private static string UrlSet(params string[] urls) =>
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(urls.Select(u => $"<url><loc>{u}</loc><lastmod>2025-01-01</lastmod></url>")) + "</urlset>";
}
