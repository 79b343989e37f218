using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

/// <summary>Captures one page; the seam that lets the capture handler be tested without a browser.</summary>
public interface IPageCapturer
{
    /// <param name="renderMode"><c>browser</c>, <c>http</c> or <c>auto</c>; null for the configured default.</param>
    /// <param name="hostDelay">Spacing the host asked for (seed rate or robots.txt Crawl-delay); the configured delay is the floor.</param>
    /// <param name="cookies">The seed's session cookies; each request sends those whose domain and path match it.</param>
    Task<PageCaptureResult> CaptureAsync(Uri url, string? renderMode = null, TimeSpan? hostDelay = null, IReadOnlyList<SessionCookie>? cookies = null, CancellationToken ct = default);
}

/// <summary>
/// Captures a page in the requested render mode: Chromium (<see cref="BrowserPageLoader"/>), plain HTTP
/// (<see cref="HttpPageLoader"/>), or <c>auto</c>, which fetches plainly and renders only pages that need scripts,
/// learning per host. Transient failures are retried with jittered back-off (a server's Retry-After is believed
/// within <see cref="FetcherOptions.RetryMaxDelayMs"/>), each attempt through the host's circuit breaker; every
/// failure leaves as a <see cref="FetchException"/> whose message is the recorded reason.
/// </summary>
public sealed class PageCapturer : IPageCapturer
{
    private readonly BrowserPageLoader _browser;
    private readonly HttpPageLoader _http;
    private readonly HostCircuitBreakers _breakers;
    private readonly RenderDecisions _decisions;
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PageCapturer> _logger;
    private readonly ResiliencePipeline _retry;

    public PageCapturer(
        BrowserPageLoader browser,
        HttpPageLoader http,
        HostCircuitBreakers breakers,
        IOptions<FetcherOptions> options,
        TimeProvider? time = null,
        ILogger<PageCapturer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _browser = browser;
        _http = http;
        _breakers = breakers;
        _options = options.Value;
        _decisions = new RenderDecisions(_options.AutoSampleSize);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<PageCapturer>.Instance;
        _retry = BuildRetry();
    }

    public async Task<PageCaptureResult> CaptureAsync(Uri url, string? renderMode = null, TimeSpan? hostDelay = null, IReadOnlyList<SessionCookie>? cookies = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new PermanentFetchException($"unsupported URL '{url}': only absolute http and https URLs are fetched");
        }

        var mode = RenderMode.Resolve(renderMode, _options.RenderMode);
        var attempts = 0;
        try
        {
            return await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                var result = await _breakers.ExecuteAsync(url, t => new ValueTask<PageCaptureResult>(AttemptAsync(url, mode, hostDelay, cookies, t)), token);
                return result with { Attempts = attempts };
            }, ct);
        }
        catch (TransientFetchException ex)
        {
            throw new FetchAttemptsExhaustedException(attempts, ex);
        }
    }

    private async Task<PageCaptureResult> AttemptAsync(Uri url, string mode, TimeSpan? hostDelay, IReadOnlyList<SessionCookie>? cookies, CancellationToken ct)
    {
        if (mode == RenderMode.Browser || (mode == RenderMode.Auto && _decisions.SkipHttp(url)))
        {
            return await _browser.LoadAsync(url, hostDelay, cookies, ct);
        }

        var plain = await _http.LoadAsync(url, hostDelay, cookies, ct);
        if (mode == RenderMode.Http)
        {
            return plain.Result;
        }

        var needsBrowser = RenderDecisions.NeedsBrowser(plain.Document, plain.Result.VisibleText);
        _decisions.Record(url, needsBrowser);
        if (!needsBrowser)
        {
            return plain.Result;
        }

        _logger.LogDebug("{Url} needs scripts for its content; rendering it in the browser", url);
        return await _browser.LoadAsync(url, hostDelay, cookies, ct);
    }

    private ResiliencePipeline BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_options.MaxAttempts <= 1)
        {
            return builder.Build();
        }

        var maxDelay = TimeSpan.FromMilliseconds(Math.Max(_options.RetryMaxDelayMs, _options.RetryBaseDelayMs));
        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientFetchException>(),
            MaxRetryAttempts = _options.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs),
            MaxDelay = maxDelay,
            // A server that says when to come back is believed, within our own bound.
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is TransientFetchException { RetryAfter: { } after }
                    ? (TimeSpan?)(after > maxDelay ? maxDelay : after)
                    : null),
            OnRetry = args =>
            {
                _logger.LogInformation("Retrying fetch in {Delay} after attempt {Attempt}: {Reason}",
                    args.RetryDelay, args.AttemptNumber + 1, args.Outcome.Exception?.Message);
                return default;
            },
        }).Build();
    }

    /// <summary>Absolute http(s) links without fragments, distinct, in document order.</summary>
    internal static IReadOnlyList<string> NormalizeOutlinks(IEnumerable<string> hrefs) =>
        NormalizeOutlinks(hrefs.Select(h => (h, (string?)null))).Links;

    /// <summary>
    /// The links as <see cref="NormalizeOutlinks(IEnumerable{string})"/> gives them, with the text of each link's
    /// anchors: whitespace collapsed, distinct texts joined, at most <see cref="MaxAnchorText"/> characters.
    /// </summary>
    internal static (IReadOnlyList<string> Links, IReadOnlyDictionary<string, string> AnchorTexts) NormalizeOutlinks(IEnumerable<(string Href, string? Text)> anchors)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (href, text) in anchors)
        {
            if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                continue;
            }

            var link = uri.GetLeftPart(UriPartial.Query);
            var seen = texts.TryGetValue(link, out var known);
            if (!seen)
            {
                result.Add(link);
            }

            var words = string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (words.Length > 0 && (known is null || (known.Length < MaxAnchorText && !known.Contains(words, StringComparison.Ordinal))))
            {
                known = string.IsNullOrEmpty(known) ? words : known + " | " + words;
            }

            texts[link] = known is { Length: > MaxAnchorText } ? known[..MaxAnchorText] : known ?? string.Empty;
        }

        return (result, texts.Where(t => t.Value.Length > 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
    }

    internal const int MaxAnchorText = 200;
}
