using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Scheduler.Tests.Fixtures;

namespace WildlifeWatch.Scheduler.Tests;

public sealed class RevisitPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Listings_not_seen_for_the_revisit_interval_are_captured_again_in_a_revisit_crawl_of_their_own()
    {
        var clock = new ManualClock(T0);
        using var http = new HttpClient(new NotFoundHandler());
        await using var harness = await PlannerHarness.StartAsync(http, time: clock);
        var seeds = new SeedSet
        {
            Seeds =
            [
                new Seed { Id = "watched", StartUrls = ["http://127.0.0.1:5999/"], RevisitInterval = "1d", RenderMode = "http" },
                new Seed { Id = "unwatched", StartUrls = ["http://127.0.0.2:5999/"] },
            ],
        };
        await harness.Planner.StartAsync("c1", seeds, CancellationToken.None);
        var store = harness.Store;
        await store.RecordListingSeenAsync("http://127.0.0.1:5999/item/old", "watched", "c1", T0.AddDays(-2));
        await store.RecordListingSeenAsync("http://127.0.0.1:5999/item/recent", "watched", "c1", T0.AddHours(-1));
        await store.RecordListingSeenAsync("http://127.0.0.1:5999/item/gone", "watched", "c1", T0.AddDays(-3));
        await store.MarkListingRemovedAsync("http://127.0.0.1:5999/item/gone", T0.AddDays(-2), "HTTP 404");
        await store.RecordListingSeenAsync("http://127.0.0.2:5999/item/other", "unwatched", "c1", T0.AddDays(-9));
        var planner = Revisits(harness, clock);

        var first = await planner.RunOnceAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        var tooSoon = await planner.RunOnceAsync(CancellationToken.None);

        Assert.That(first, Is.EqualTo(new[] { "c1.r20250601120000" }));
        Assert.That(tooSoon, Is.Empty, "one revisit per interval, whatever the fetchers' backlog");
        var revisit = harness.Requested().Where(r => r.CrawlId == first[0]).ToList();
        Assert.That(revisit.Select(r => (r.NormalizedUrl, r.Depth, r.RenderMode)), Is.EqualTo(new[] { ("http://127.0.0.1:5999/item/old", 0, "http") }));
        var stored = SeedsLoader.FromJson((await store.GetCrawlAsync(first[0]))!.SeedsJson).Seeds.Single();
        Assert.That((stored.MaxDepth, stored.RevisitInterval), Is.EqualTo((0, (string?)null)), "a revisit follows no links and is not revisited itself");
    }

    private static RevisitPlanner Revisits(PlannerHarness harness, TimeProvider clock) => new(
        harness.Store, harness.Services.GetRequiredService<IServiceScopeFactory>(), harness.Services.GetRequiredService<KnownCrawls>(),
        Options.Create(new SchedulerOptions()), new StartedLifetime(), clock, NullLogger<RevisitPlanner>.Instance);
}
