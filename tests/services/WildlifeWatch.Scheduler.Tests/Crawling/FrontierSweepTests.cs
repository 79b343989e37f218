using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class FrontierSweepTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // Released (announced) age ago; admitted an hour earlier, so the lease counts from the release.
    private static FrontierEntry Entry(string path, TimeSpan age, FrontierState state = FrontierState.Queued, string crawl = "c1") =>
        new(crawl, "http://127.0.0.1/" + path, "http://127.0.0.1/" + path, "s", 1, state, T0 - age - TimeSpan.FromHours(1), ReleasedAt: T0 - age);

    [Test]
    public void Only_released_entries_queued_longer_than_the_lease_are_announced_again_oldest_first()
    {
        var sweep = new FrontierSweep(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30), 10);
        var frontier = new[]
        {
            Entry("fresh", TimeSpan.FromMinutes(1)),
            Entry("stale", TimeSpan.FromMinutes(3)),
            Entry("older", TimeSpan.FromMinutes(5)),
            Entry("done", TimeSpan.FromMinutes(9), FrontierState.Done),
            Entry("failed", TimeSpan.FromMinutes(9), FrontierState.Failed),
            Entry("other-crawl", TimeSpan.FromMinutes(9), crawl: "c2"),
            Entry("waiting", TimeSpan.FromMinutes(9)) with { ReleasedAt = null },
        };

        var due = sweep.Select("c1", frontier, T0);

        Assert.That(due.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://127.0.0.1/older", "http://127.0.0.1/stale" }));
    }

    [Test]
    public void An_entry_announced_again_backs_off_doubling_up_to_the_cap()
    {
        var sweep = new FrontierSweep(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), 10);
        var frontier = new[] { Entry("stale", TimeSpan.FromMinutes(3)) };

        var times = Enumerable.Range(0, 17)
            .Where(m => sweep.Select("c1", frontier, T0 + TimeSpan.FromMinutes(m)).Count > 0)
            .ToList();

        // Waits of 2, 4, then 8 capped at 5, minutes.
        Assert.That(times, Is.EqualTo(new[] { 0, 2, 6, 11, 16 }));
    }

    [Test]
    public void A_sweep_announces_at_most_the_configured_number_of_entries()
    {
        var sweep = new FrontierSweep(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), 3);
        var frontier = Enumerable.Range(0, 10).Select(i => Entry("p" + i, TimeSpan.FromMinutes(10 - i))).ToList();

        var first = sweep.Select("c1", frontier, T0);
        var second = sweep.Select("c1", frontier, T0);

        Assert.That(first.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://127.0.0.1/p0", "http://127.0.0.1/p1", "http://127.0.0.1/p2" }));
        Assert.That(second.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://127.0.0.1/p3", "http://127.0.0.1/p4", "http://127.0.0.1/p5" }));
    }

    [Test]
    public void An_entry_closed_and_queued_again_starts_its_back_off_afresh()
    {
        var sweep = new FrontierSweep(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30), 10);
        var queued = new[] { Entry("p", TimeSpan.FromMinutes(3)) };
        sweep.Select("c1", queued, T0);
        sweep.Select("c1", [Entry("p", TimeSpan.FromMinutes(3), FrontierState.Done)], T0 + TimeSpan.FromMinutes(1));

        var again = sweep.Select("c1", queued, T0 + TimeSpan.FromMinutes(1));

        Assert.That(again, Has.Count.EqualTo(1));
    }
}
