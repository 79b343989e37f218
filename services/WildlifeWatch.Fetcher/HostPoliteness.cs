using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Politeness towards one host within this process: one request to a host at a time, and the next one
/// no sooner than <see cref="FetcherOptions.PerHostMinDelayMs"/> after the previous response arrived.
/// Counting from the response (not from when we asked) keeps the spacing true at the server even when
/// the browser is slow to send a request.
/// </summary>
public sealed class HostPoliteness
{
    private readonly TimeSpan _minDelay;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public HostPoliteness(IOptions<FetcherOptions> options, TimeProvider? time = null)
    {
        _minDelay = TimeSpan.FromMilliseconds(options.Value.PerHostMinDelayMs);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Waits until this process may send the next request to the host of <paramref name="url"/>. Dispose the
    /// turn when the response has arrived (or the request failed); the host's delay counts from then.
    /// </summary>
    public async Task<IDisposable> WaitTurnAsync(Uri url, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (_minDelay <= TimeSpan.Zero)
        {
            return NoTurn.Instance;
        }

        // Keyed by host alone: two ports of one machine are still one server to be polite to.
        var host = _hosts.GetOrAdd(url.IdnHost, _ => new HostState());
        await host.Gate.WaitAsync(ct);
        try
        {
            var wait = host.NextAllowed - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, ct);
            }
        }
        catch
        {
            host.Gate.Release();
            throw;
        }

        return new Turn(this, host);
    }

    private sealed class HostState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DateTimeOffset NextAllowed { get; set; } = DateTimeOffset.MinValue;
    }

    private sealed class Turn(HostPoliteness owner, HostState host) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                host.NextAllowed = owner._time.GetUtcNow() + owner._minDelay;
                host.Gate.Release();
            }
        }
    }

    private sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();

        public void Dispose()
        {
        }
    }
}
