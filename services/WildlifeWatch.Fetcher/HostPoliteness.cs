using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Politeness towards one host across every fetcher replica: one request to a host at a time, and the next one no
/// sooner than <see cref="FetcherOptions.PerHostMinDelayMs"/> after the previous response arrived. The turn lives in the
/// store that all replicas share, so adding fetchers adds throughput across hosts, never load on one host. Counting from
/// the response (not from when we asked) keeps the spacing true at the server even when a browser is slow to send.
/// </summary>
public sealed class HostPoliteness
{
    private readonly IPipelineStore _store;
    private readonly TimeSpan _minDelay;
    private readonly TimeSpan _lease;
    private readonly TimeSpan _poll;
    private readonly TimeProvider _time;
    private readonly ILogger<HostPoliteness> _logger;

    // Turns are asked for one at a time per host within this process, so the store sees one contender per replica.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _local = new(StringComparer.OrdinalIgnoreCase);

    public HostPoliteness(IPipelineStore store, IOptions<FetcherOptions> options, TimeProvider? time = null, ILogger<HostPoliteness>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        var o = options.Value;
        _minDelay = TimeSpan.FromMilliseconds(o.PerHostMinDelayMs);
        // A replica that dies holding a turn loses it once a navigation could no longer be in progress.
        _lease = TimeSpan.FromMilliseconds(o.NavigationTimeoutMs) + TimeSpan.FromSeconds(10);
        _poll = TimeSpan.FromMilliseconds(Math.Clamp(o.PerHostMinDelayMs / 4, 20, 250));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<HostPoliteness>.Instance;
    }

    /// <summary>
    /// Waits until the next request to the host of <paramref name="url"/> may be sent. Call <see cref="HostTurn.Answered"/>
    /// when the response arrives and dispose the turn when done; the host's delay counts from the answer.
    /// </summary>
    public Task<HostTurn> WaitTurnAsync(Uri url, CancellationToken ct = default) => WaitTurnAsync(url, null, ct);

    /// <summary>
    /// As <see cref="WaitTurnAsync(Uri, CancellationToken)"/>, with the delay the host asked for (the seed's rate or
    /// robots.txt Crawl-delay, carried by the request); the configured delay stays the floor.
    /// </summary>
    public async Task<HostTurn> WaitTurnAsync(Uri url, TimeSpan? hostDelay, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var delay = hostDelay is { } asked && asked > _minDelay ? asked : _minDelay;
        if (delay <= TimeSpan.Zero)
        {
            return HostTurn.None;
        }

        // Keyed by host alone: two ports of one machine are still one server to be polite to.
        var host = url.IdnHost.ToLowerInvariant();
        var gate = _local.GetOrAdd(host, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        var holder = Guid.NewGuid().ToString("N");
        try
        {
            while (true)
            {
                var now = _time.GetUtcNow();
                var offer = await _store.TryTakeHostTurnAsync(host, holder, now, _lease, ct);
                if (offer.Granted)
                {
                    return new HostTurn(this, host, holder, gate, delay);
                }

                // Another replica is talking to the host: its answer decides the next time, so look again soon.
                var wait = offer.HeldByOther ? _poll : offer.NextAllowedAt - now;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, ct);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private async Task EndAsync(string host, string holder, DateTimeOffset answeredAt, TimeSpan delay, SemaphoreSlim gate)
    {
        try
        {
            await _store.EndHostTurnAsync(host, holder, answeredAt + delay);
        }
#pragma warning disable CA1031 // The lease runs out by itself; a failed end only delays the host, it must not fail the capture.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogWarning(e, "Could not end the turn of host {Host}; it frees itself when its lease runs out", host);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One request's turn at a host.</summary>
    public sealed class HostTurn : IAsyncDisposable
    {
        internal static readonly HostTurn None = new(null, string.Empty, string.Empty, null, TimeSpan.Zero);

        private readonly HostPoliteness? _owner;
        private readonly string _host;
        private readonly string _holder;
        private readonly SemaphoreSlim? _gate;
        private readonly TimeSpan _delay;
        private Task? _ending;

        internal HostTurn(HostPoliteness? owner, string host, string holder, SemaphoreSlim? gate, TimeSpan delay)
        {
            _owner = owner;
            _host = host;
            _holder = holder;
            _gate = gate;
            _delay = delay;
        }

        /// <summary>The host has answered: the next request to it may follow after the delay. Safe to call more than once.</summary>
        public void Answered()
        {
            if (_owner is null)
            {
                return;
            }

            var answeredAt = _owner._time.GetUtcNow();
            var ending = new Task<Task>(() => _owner.EndAsync(_host, _holder, answeredAt, _delay, _gate!));
            if (Interlocked.CompareExchange(ref _ending, ending.Unwrap(), null) is null)
            {
                ending.Start(TaskScheduler.Default);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Answered();
            if (_ending is { } ending)
            {
                await ending;
            }
        }
    }
}
