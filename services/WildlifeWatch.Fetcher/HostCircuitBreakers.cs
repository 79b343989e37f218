using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// A Polly circuit breaker per host. When every one of at least <see cref="FetcherOptions.BreakerFailureThreshold"/>
/// fetches of a host within the sampling window failed transiently, the host is paused for
/// <see cref="FetcherOptions.BreakerBreakMs"/>: its fetches fail at once with a recorded "host paused" reason instead of
/// holding a worker through timeouts and back-offs, then one trial fetch decides whether it closes again.
/// </summary>
public sealed class HostCircuitBreakers
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _byHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HostCircuitBreakers(IOptions<FetcherOptions> options, TimeProvider? time = null, ILogger<HostCircuitBreakers>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<HostCircuitBreakers>.Instance;
    }

    public async Task<T> ExecuteAsync<T>(Uri url, Func<CancellationToken, ValueTask<T>> fetch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.IdnHost.ToLowerInvariant();
        var breaker = _byHost.GetOrAdd(host, Build);
        try
        {
            return await breaker.ExecuteAsync(fetch, ct);
        }
        catch (BrokenCircuitException e)
        {
            throw new HostPausedException(host, e.RetryAfter, e);
        }
    }

    private ResiliencePipeline Build(string host) =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // A ratio of 1 over a minimum count: the breaker opens only when that many fetches in a row failed.
                FailureRatio = 1.0,
                MinimumThroughput = _options.BreakerFailureThreshold,
                SamplingDuration = TimeSpan.FromMilliseconds(_options.BreakerSamplingMs),
                BreakDuration = TimeSpan.FromMilliseconds(_options.BreakerBreakMs),
                ShouldHandle = new PredicateBuilder().Handle<TransientFetchException>(),
                OnOpened = args =>
                {
                    _logger.LogWarning("Host {Host} paused for {Break} after repeated transient failures", host, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("Host {Host} resumed", host);
                    return default;
                },
            })
            .Build();
}
