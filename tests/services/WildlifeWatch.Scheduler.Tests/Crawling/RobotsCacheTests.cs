using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Tests.Fixtures;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class RobotsCacheTests : LoopbackSiteTests
{
    private ManualClock _clock = null!;
    private RobotsCache _cache = null!;

    [SetUp]
    public void CreateCache()
    {
        _clock = new ManualClock(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        _cache = new RobotsCache(Http, Options.Create(new SchedulerOptions { RobotsCacheTtl = TimeSpan.FromMinutes(10) }), NullLogger<RobotsCache>.Instance, _clock);
    }

    [Test]
    public async Task The_site_rules_delay_and_sitemaps_are_read_from_its_robots_txt()
    {
        Site.Serve("/robots.txt", $"User-agent: *\nDisallow: /account/\nCrawl-delay: 3\nSitemap: {Site.Url("/sitemap.xml")}\n", "text/plain");

        var rules = await _cache.GetAsync(new Uri(Site.Url("/item/1")), CancellationToken.None);

        Assert.That(rules.IsAllowed(new Uri(Site.Url("/account/login"))), Is.False);
        Assert.That(rules.IsAllowed(new Uri(Site.Url("/item/1"))), Is.True);
        Assert.That(rules.CrawlDelay, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(rules.Sitemaps, Is.EqualTo(new[] { Site.Url("/sitemap.xml") }));
    }

    [Test]
    public async Task The_file_is_fetched_once_per_expiry_and_a_change_is_seen_after_it()
    {
        Site.Serve("/robots.txt", "User-agent: *\nDisallow: /old/\n", "text/plain");
        var old = new Uri(Site.Url("/old/x"));

        var first = await _cache.GetAsync(old, CancellationToken.None);
        Site.Serve("/robots.txt", "User-agent: *\nDisallow: /new/\n", "text/plain");
        _clock.Advance(TimeSpan.FromMinutes(9));
        var cached = await _cache.GetAsync(old, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = await _cache.GetAsync(old, CancellationToken.None);

        Assert.That((first.IsAllowed(old), cached.IsAllowed(old), fresh.IsAllowed(old)), Is.EqualTo((false, false, true)));
        Assert.That(Site.Requested.Count(r => r == "/robots.txt"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_missing_file_allows_everything_and_a_server_error_disallows_everything()
    {
        var missing = await _cache.GetAsync(new Uri(Site.Url("/a")), CancellationToken.None);
        Site.Serve("/robots.txt", "oops", "text/plain", status: 500);
        _clock.Advance(TimeSpan.FromHours(1));

        var failing = await _cache.GetAsync(new Uri(Site.Url("/a")), CancellationToken.None);

        Assert.That((missing.IsAllowed(new Uri(Site.Url("/a"))), failing.IsAllowed(new Uri(Site.Url("/a")))), Is.EqualTo((true, false)));
    }
}
