using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Scheduler.Tests.Fixtures;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Tests;

public sealed class FrontierSweeperTests
{
    [Test]
    public async Task A_sweep_releases_the_slot_a_crash_left_unused_and_announces_stale_requests_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        using var http = new HttpClient(new NotFoundHandler());
        await using var harness = await PlannerHarness.StartAsync(http, o => o.MaxInFlightPerCrawl = 1, clock);
        var seeds = new SeedSet { Seeds = [new Seed { Id = "s", StartUrls = ["http://127.0.0.1:5999/a", "http://127.0.0.1:5999/b"] }] };
        await harness.Planner.StartAsync("c1", seeds, CancellationToken.None);
        var sweeper = new FrontierSweeper(harness.Store, harness.Services.GetRequiredService<IServiceScopeFactory>(), harness.Services.GetRequiredService<KnownCrawls>(),
            harness.Services.GetRequiredService<IOptions<SchedulerOptions>>(), new StartedLifetime(), clock, NullLogger<FrontierSweeper>.Instance);
        var sweep = new FrontierSweep(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30), 100);

        // The first page is answered and closed, and the process dies before it releases the second.
        await harness.Store.ExpandAsync("c1", harness.Requested().Single().NormalizedUrl, []);
        var released = await sweeper.SweepAsync(sweep, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(3));
        var announcedAgain = await sweeper.SweepAsync(sweep, CancellationToken.None);

        Assert.That((released, announcedAgain), Is.EqualTo((1, 1)));
        Assert.That(harness.Requested().Select(r => new Uri(r.NormalizedUrl).AbsolutePath), Is.EqualTo(new[] { "/a", "/b", "/b" }));
        Assert.That((await harness.Store.GetFrontierAsync("c1")).Count(f => f.State == FrontierState.Queued && f.ReleasedAt is not null), Is.EqualTo(1));
    }
}
