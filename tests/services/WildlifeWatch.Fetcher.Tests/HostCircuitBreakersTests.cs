using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The per-host circuit breaker on its own: opening, failing fast, closing again.</summary>
public sealed class HostCircuitBreakersTests
{
    private static readonly Uri Shop = new("http://shop.example/item/1");
    private static readonly Uri Other = new("http://other.example/item/1");

    [Test]
    public async Task Breaker_opens_after_consecutive_transient_failures_and_then_fails_fast_without_fetching()
    {
        var breakers = Breakers(threshold: 3, breakMs: 60_000);
        var calls = 0;

        for (var i = 0; i < 3; i++)
        {
            Assert.That(async () => await breakers.ExecuteAsync<int>(Shop, _ => { calls++; throw new TransientFetchException("HTTP 503"); }, CancellationToken.None),
                Throws.TypeOf<TransientFetchException>());
        }

        Assert.That(async () => await breakers.ExecuteAsync(Shop, _ => { calls++; return ValueTask.FromResult(1); }, CancellationToken.None),
            Throws.TypeOf<HostPausedException>().With.Message.Contains("host shop.example paused").And.Property(nameof(HostPausedException.RetryAfter)).Not.Null);
        Assert.Multiple(async () =>
        {
            Assert.That(calls, Is.EqualTo(3), "the paused host was not contacted");
            Assert.That(await breakers.ExecuteAsync(Other, _ => ValueTask.FromResult(7), CancellationToken.None), Is.EqualTo(7), "other hosts go on");
        });
    }

    [Test]
    public async Task Breaker_closes_again_when_the_trial_after_the_break_succeeds()
    {
        var breakers = Breakers(threshold: 2, breakMs: 500);
        for (var i = 0; i < 2; i++)
        {
            Assert.That(async () => await breakers.ExecuteAsync<int>(Shop, _ => throw new TransientFetchException("timeout"), CancellationToken.None),
                Throws.TypeOf<TransientFetchException>());
        }

        Assert.That(async () => await breakers.ExecuteAsync(Shop, _ => ValueTask.FromResult(1), CancellationToken.None), Throws.TypeOf<HostPausedException>());
        await Task.Delay(700);

        Assert.Multiple(async () =>
        {
            Assert.That(await breakers.ExecuteAsync(Shop, _ => ValueTask.FromResult(2), CancellationToken.None), Is.EqualTo(2), "the trial");
            Assert.That(await breakers.ExecuteAsync(Shop, _ => ValueTask.FromResult(3), CancellationToken.None), Is.EqualTo(3), "closed again");
        });
    }

    [Test]
    public void Permanent_failures_and_successes_in_between_keep_the_breaker_closed()
    {
        var breakers = Breakers(threshold: 3, breakMs: 60_000);
        Func<CancellationToken, ValueTask<int>>[] outcomes =
        [
            _ => throw new TransientFetchException("503"),
            _ => throw new TransientFetchException("503"),
            _ => ValueTask.FromResult(0),
            _ => throw new PermanentFetchException("HTTP 404"),
            _ => throw new PermanentFetchException("HTTP 404"),
            _ => throw new PermanentFetchException("HTTP 404"),
        ];
        foreach (var outcome in outcomes)
        {
            try
            {
                _ = breakers.ExecuteAsync(Shop, outcome, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (FetchException e) when (e is not HostPausedException)
            {
                // Expected outcomes; only a pause would be wrong.
            }
        }

        Assert.That(async () => await breakers.ExecuteAsync(Shop, _ => ValueTask.FromResult(5), CancellationToken.None), Is.EqualTo(5));
    }

    private static HostCircuitBreakers Breakers(int threshold, int breakMs) =>
        new(Options.Create(new FetcherOptions { BreakerFailureThreshold = threshold, BreakerBreakMs = breakMs, BreakerSamplingMs = 60_000 }));
}

/// <summary>Retry-After and the breaker through the whole capture path, against the loopback site.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class RetryAndBreakerTests : BrowserTestBase
{
    [Test]
    public async Task A_429_with_retry_after_is_retried_after_the_pause_the_server_asked_for()
    {
        var (handler, publisher) = Handler(o => o.RetryBaseDelayMs = 10);

        await handler.HandleAsync(Request("/rate-limited", renderMode: RenderMode.Http), publisher);

        var times = Site.TimesOf("/rate-limited");
        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>().Single().HttpStatus, Is.EqualTo(200));
            Assert.That(times, Has.Count.EqualTo(2));
        });
        // The back-off base is 10 ms: only "Retry-After: 2" explains a two-second pause.
        Assert.That(times[1] - times[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1950)));
    }

    [TestCase(RenderMode.Http)]
    [TestCase(RenderMode.Browser)]
    public async Task A_host_that_keeps_failing_is_paused_and_its_next_fetch_fails_fast_with_the_reason(string mode)
    {
        var (handler, publisher) = Handler(o =>
        {
            o.MaxAttempts = 3;
            o.RetryBaseDelayMs = 10;
            o.BreakerFailureThreshold = 3;
        });
        var before = Site.CountOf("/down");

        await handler.HandleAsync(Request("/down", renderMode: mode), publisher);
        await handler.HandleAsync(Request("/plain/55", renderMode: mode), publisher);

        var failures = publisher.Of<FetchFailed>();
        Assert.Multiple(() =>
        {
            Assert.That(failures, Has.Count.EqualTo(2));
            Assert.That(failures[0].Reason, Does.Contain("3 attempt").And.Contain("HTTP 503"));
            Assert.That(failures[1].Reason, Does.Contain($"host {Site.BaseUri.Host} paused"));
            Assert.That(Site.CountOf("/down") - before, Is.EqualTo(3));
            Assert.That(Site.CountOf("/plain/55"), Is.Zero, "the paused host was not contacted");
        });
    }
}
