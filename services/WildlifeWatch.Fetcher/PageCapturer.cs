using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Polly;
using Polly.Retry;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

/// <summary>Captures one rendered page; the seam that lets the capture handler be tested without a browser.</summary>
public interface IPageCapturer
{
    Task<PageCaptureResult> CaptureAsync(Uri url, CancellationToken ct = default);
}

/// <summary>
/// Renders a page in Chromium and takes what an investigator needs of it: the DOM as rendered, the
/// visible text, a full-page screenshot and the links. Transient failures are retried with back-off;
/// every failure leaves as a <see cref="FetchException"/> whose message is the recorded reason.
/// </summary>
public sealed class PageCapturer : IPageCapturer
{
    private const string VisibleTextScript =
        "() => (document.body ?? document.documentElement)?.innerText ?? ''";

    // Resolved by the browser against document.baseURI, exactly as a click would; SVG links included.
    private const string OutlinksScript =
        """
        () => {
          const out = [];
          for (const a of document.querySelectorAll('a[href]')) {
            try { out.push(new URL(a.getAttribute('href'), document.baseURI).href); } catch { }
          }
          return out;
        }
        """;

    private static readonly string[] TransientNetErrors =
    [
        "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_ABORTED",
        "ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT", "ERR_EMPTY_RESPONSE", "ERR_NETWORK_CHANGED",
        "ERR_INTERNET_DISCONNECTED", "ERR_ADDRESS_UNREACHABLE", "ERR_NETWORK_IO_SUSPENDED", "ERR_SOCKET_NOT_CONNECTED",
        "ERR_HTTP2_PROTOCOL_ERROR", "ERR_QUIC_PROTOCOL_ERROR", "ERR_PROXY_CONNECTION_FAILED", "ERR_INCOMPLETE_CHUNKED_ENCODING",
    ];

    private static readonly string[] DnsNetErrors = ["ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED", "ERR_ADDRESS_INVALID"];

    private readonly BrowserSession _browser;
    private readonly HostPoliteness _politeness;
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PageCapturer> _logger;
    private readonly ResiliencePipeline _pipeline;

    public PageCapturer(
        BrowserSession browser,
        HostPoliteness politeness,
        IOptions<FetcherOptions> options,
        TimeProvider? time = null,
        ILogger<PageCapturer>? logger = null)
    {
        _browser = browser;
        _politeness = politeness;
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<PageCapturer>.Instance;
        _pipeline = BuildPipeline();
    }

    public async Task<PageCaptureResult> CaptureAsync(Uri url, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new PermanentFetchException($"unsupported URL '{url}': only absolute http and https URLs are fetched");
        }

        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                var result = await AttemptAsync(url, token);
                return result with { Attempts = attempts };
            }, ct);
        }
        catch (TransientFetchException ex)
        {
            throw new FetchAttemptsExhaustedException(attempts, ex);
        }
    }

    private ResiliencePipeline BuildPipeline()
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

    private async Task<PageCaptureResult> AttemptAsync(Uri url, CancellationToken ct)
    {
        return await _browser.WithPageAsync(async (page, browserVersion) =>
        {
            // Taken with the page ready and handed back when the response arrives: the host's delay runs
            // from its answer, so the spacing holds at the server whatever the browser's own latency.
            var turn = await _politeness.WaitTurnAsync(url, ct);

            // The last main-frame response, seen even when navigation itself fails (a download aborts it).
            IResponse? mainResponse = null;
            page.Response += (_, r) =>
            {
                if (r.Request.IsNavigationRequest && r.Frame == page.MainFrame)
                {
                    mainResponse = r;
                    turn.Answered();
                }
            };

            try
            {
                return await CaptureOpenedPageAsync(page, url, browserVersion, () => mainResponse, ct);
            }
            finally
            {
                await turn.DisposeAsync();
            }
        }, ct);
    }

    private async Task<PageCaptureResult> CaptureOpenedPageAsync(IPage page, Uri url, string browserVersion, Func<IResponse?> mainResponse, CancellationToken ct)
    {
        var startedAt = Now();
        IResponse? response;
        try
        {
            using var navigation = PipelineTelemetry.Source.StartActivity("browser.navigate");
            response = await page.GotoAsync(url.AbsoluteUri, new PageGotoOptions
            {
                WaitUntil = WaitUntilState.Load,
                Timeout = _options.NavigationTimeoutMs,
            });
        }
        catch (TimeoutException ex)
        {
            throw new TransientFetchException($"navigation timed out after {_options.NavigationTimeoutMs} ms", null, ex);
        }
        catch (PlaywrightException ex)
        {
            throw ClassifyNavigationError(ex, mainResponse());
        }

        response ??= mainResponse() ?? throw new PermanentFetchException("the browser received no response for the page");
        CheckResponse(response);

        if (_options.NetworkIdleTimeoutMs > 0)
        {
            try
            {
                // Script-rendered pages fetch their data after load; give them a bounded chance to finish.
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = _options.NetworkIdleTimeoutMs });
            }
            catch (TimeoutException)
            {
                _logger.LogDebug("Network not idle after {Timeout} ms on {Url}; capturing anyway", _options.NetworkIdleTimeoutMs, url);
            }
        }

        ct.ThrowIfCancellationRequested();
        try
        {
            var html = await page.ContentAsync();
            var text = await page.EvaluateAsync<string?>(VisibleTextScript) ?? string.Empty;
            var links = await page.EvaluateAsync<string[]?>(OutlinksScript) ?? [];
            using var screenshotSpan = PipelineTelemetry.Source.StartActivity("browser.screenshot");
            var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png });
            var capturedAt = Now();
            return new PageCaptureResult(
                url, new Uri(page.Url), response.Status, startedAt, capturedAt, html, text, screenshot,
                NormalizeOutlinks(links), browserVersion, _options.UserAgent, 1);
        }
        catch (TimeoutException ex)
        {
            throw new TransientFetchException("taking the page's artifacts timed out", null, ex);
        }
        catch (PlaywrightException ex)
        {
            // Typically the page navigated away (a script redirect) while we were reading it.
            throw new TransientFetchException($"the page changed while it was captured: {FirstLine(ex.Message)}", null, ex);
        }
    }

    private static void CheckResponse(IResponse response)
    {
        var status = response.Status;
        if (status is 429 or 502 or 503 or 504)
        {
            throw new TransientFetchException($"HTTP {status} {response.StatusText}".TrimEnd(), ParseRetryAfter(Header(response, "retry-after"), DateTimeOffset.UtcNow));
        }

        if (status >= 400)
        {
            throw new PermanentFetchException($"HTTP {status} {response.StatusText}".TrimEnd());
        }

        var contentType = Header(response, "content-type");
        if (!IsHtml(contentType))
        {
            throw new NonHtmlContentException(contentType, status);
        }
    }

    private static FetchException ClassifyNavigationError(PlaywrightException ex, IResponse? mainResponse)
    {
        var message = ex.Message;
        if (mainResponse is not null)
        {
            // A response arrived but the browser did not render it (a download, a PDF): judge it by its headers.
            try
            {
                CheckResponse(mainResponse);
            }
            catch (FetchException classified)
            {
                return classified;
            }
        }

        if (message.Contains("Download is starting", StringComparison.Ordinal))
        {
            return new NonHtmlContentException(null, mainResponse?.Status ?? 0);
        }

        if (DnsNetErrors.FirstOrDefault(e => message.Contains(e, StringComparison.Ordinal)) is { } dns)
        {
            return new PermanentFetchException($"DNS lookup failed (net::{dns})", ex);
        }

        if (TransientNetErrors.FirstOrDefault(e => message.Contains(e, StringComparison.Ordinal)) is { } transient)
        {
            return new TransientFetchException($"network error (net::{transient})", null, ex);
        }

        var netError = System.Text.RegularExpressions.Regex.Match(message, @"net::ERR_[A-Z0-9_]+");
        if (netError.Success)
        {
            return new PermanentFetchException($"network error ({netError.Value})", ex);
        }

        // Anything else is the browser itself failing (a crash, a closed target): worth another attempt.
        return new TransientFetchException($"browser error: {FirstLine(message)}", null, ex);
    }

    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    internal static bool IsHtml(string? contentType)
    {
        // No declared type: Chromium sniffed and rendered it, so it is treated as the page it looks like.
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Absolute http(s) links without fragments, distinct, in document order.</summary>
    internal static IReadOnlyList<string> NormalizeOutlinks(IEnumerable<string> hrefs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var href in hrefs)
        {
            if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                continue;
            }

            var link = uri.GetLeftPart(UriPartial.Query);
            if (seen.Add(link))
            {
                result.Add(link);
            }
        }

        return result;
    }

    private static string? Header(IResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).Trim();
    }

    // Milliseconds are what the manifest records; truncating here keeps manifest and store identical.
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
