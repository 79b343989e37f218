using Microsoft.Extensions.Options;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The delay a request carries (the seed's rate, robots.txt Crawl-delay) sets the host's next turn; the configured delay stays the floor.</summary>
public sealed class HostPolitenessDelayTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase(5_000, 5_000)]
    [TestCase(50, 100)]
    [TestCase(null, 100)]
    public async Task The_next_turn_of_the_host_waits_for_the_larger_of_the_requested_and_configured_delay(int? requestedMs, int expectedMs)
    {
        using var temporary = await TemporaryStore.CreateAsync("c1", "wtw-politeness-delay");
        var politeness = new HostPoliteness(temporary.Store, Options.Create(new FetcherOptions { PerHostMinDelayMs = 100 }), new FixedClock(T0));

        var turn = await politeness.WaitTurnAsync(new Uri("http://a.example/item/1"), requestedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        turn.Answered();
        await turn.DisposeAsync();

        var offer = await temporary.Store.TryTakeHostTurnAsync("a.example", "probe", T0, TimeSpan.FromMinutes(1));
        Assert.That((offer.Granted, offer.NextAllowedAt), Is.EqualTo((false, T0.AddMilliseconds(expectedMs))));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
