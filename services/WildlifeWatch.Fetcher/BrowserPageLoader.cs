using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Renders a page in Chromium while the fetcher, not the browser, talks to the network: every request the page makes
/// reaches its context's <see cref="CaptureProxy"/> and is fetched through the <see cref="GuardedHttpClient"/> (SSRF
/// guard, size bounds, bounded decoding), its exchange recorded for the WARC, then handed to the browser. Redirects of
/// the page go back to the browser as redirects, so it resolves links against the right address, and are counted
/// here. Every wait is bounded, so a hostile page ends in a recorded error, never a stuck worker.
/// </summary>
public sealed partial class BrowserPageLoader
{
    // The serialized DOM (as page.content() gives it), the visible text, the links (with their anchor text) and the
    // JavaScript heap (which the browser session's reuse bound needs) in one round trip to the page. Links are resolved
    // by the browser against document.baseURI, exactly as a click would; SVG links included. Asked to (early capture
    // compares two reads of one page), also the values of its form fields, which the markup does not hold, and whether
    // it shows anything whose look the DOM does not hold (a running animation or transition, a canvas, a frame, a
    // plug-in or video, a web component's shadow tree).
    private const string ReadDomScript =
        $$"""
        compare => {
          const links = [];
          for (const a of document.querySelectorAll('a[href]')) {
            try { links.push([new URL(a.getAttribute('href'), document.baseURI).href, (a.innerText || a.textContent || '').trim().slice(0, 200)]); } catch { }
          }
          const html = (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '')
            + (document.documentElement ? document.documentElement.outerHTML : '');
          const text = (document.body ?? document.documentElement)?.innerText ?? '';
          const heap = {{BrowserSession.HeapExpression}};
          if (!compare) return { html, text, links, heap };
          const fields = Array.from(document.querySelectorAll('input, textarea, select'),
            e => e.type === 'checkbox' || e.type === 'radio' ? String(e.checked) : String(e.value)).join('\u0000');
          const opaque = document.getAnimations().some(a => a.playState === 'running')
            || document.querySelector('canvas, iframe, frame, embed, object, video') !== null
            || Array.from(document.querySelectorAll('*')).some(e => e.shadowRoot || e.localName.includes('-'));
          return { html, text, links, heap, fields, opaque };
        }
        """;

    // Resolves once the page has rendered a frame and run the tasks queued behind it: a response the page was still
    // processing has by then issued the requests it leads to (images of a list it rendered, the next call).
    private const string NextFrameScript = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))";

    // The next frame, as above, and how many resource-timing entries the page held for each address when it was asked
    // (-1 for each when it cannot tell: a full buffer records no more, a page may have replaced the API). Counted before
    // the frame, so the page has run a frame and a task with what it had received by then.
    private const string HandoverFrameScript =
        """
        urls => {
          let seen;
          try {
            const key = u => { try { return new URL(u).href; } catch { return String(u); } };
            const entries = performance.getEntriesByType('resource');
            const counts = new Map();
            for (const e of entries) { const k = key(e.name); counts.set(k, (counts.get(k) || 0) + 1); }
            seen = entries.length >= 250 ? urls.map(() => -1) : urls.map(u => counts.get(key(u)) || 0);
          } catch {
            seen = urls.map(() => -1);
          }
          return new Promise(r => requestAnimationFrame(() => setTimeout(() => r(seen), 0)));
        }
        """;

    // The body goes to the browser decoded, with its own length; and uncacheable, so that each page fetches, and its
    // WARC records, everything it shows instead of taking some of it from the browser's cache of an earlier page.
    private static readonly HashSet<string> UnforwardedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
        "cache-control", "expires", "etag", "last-modified", "pragma", "age",
    };

    private static readonly KeyValuePair<string, string> NoStore = KeyValuePair.Create("Cache-Control", "no-store");

    private static readonly string[] TransientNetErrors =
    [
        "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_ABORTED",
        "ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT", "ERR_EMPTY_RESPONSE", "ERR_NETWORK_CHANGED",
        "ERR_INTERNET_DISCONNECTED", "ERR_ADDRESS_UNREACHABLE", "ERR_NETWORK_IO_SUSPENDED", "ERR_SOCKET_NOT_CONNECTED",
        "ERR_HTTP2_PROTOCOL_ERROR", "ERR_QUIC_PROTOCOL_ERROR", "ERR_PROXY_CONNECTION_FAILED", "ERR_INCOMPLETE_CHUNKED_ENCODING",
    ];

    private readonly BrowserSession _browser;
    private readonly GuardedHttpClient _http;
    private readonly HostPoliteness _politeness;
    private readonly FetcherOptions _options;
    private readonly HashSet<string> _blockedTypes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SettleWindows _settle;
    private readonly EarlyCaptures _early;
    private readonly ConditionalWeakTable<IPage, Task<ICDPSession>> _devTools = new();

    public BrowserPageLoader(
        BrowserSession browser,
        GuardedHttpClient http,
        HostPoliteness politeness,
        IOptions<FetcherOptions> options,
        TimeProvider? time = null,
        ILogger<BrowserPageLoader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _browser = browser;
        _http = http;
        _politeness = politeness;
        _options = options.Value;
        _blockedTypes = new HashSet<string>(
            _options.BlockedResourceTypes.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<BrowserPageLoader>.Instance;
        _settle = new SettleWindows(_options);
        _early = new EarlyCaptures(_options);
    }

    /// <summary>How long pages like <paramref name="url"/> now wait for quiet (see <see cref="SettleWindows"/>).</summary>
    public TimeSpan SettleWindowFor(Uri url) => _settle.Current(SettleWindows.TemplateOf(url));

    public async Task<PageCaptureResult> LoadAsync(Uri url, TimeSpan? hostDelay, IReadOnlyList<SessionCookie>? cookies, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var (captured, _) = await _browser.WithPageAsync(url.IdnHost, async (page, browserVersion) =>
        {
            var state = new Navigation(cookies, url);
            using var requests = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // Taken with the page ready and handed back when the document answers: the host's delay runs from its answer.
            var turn = await _politeness.WaitTurnAsync(url, hostDelay, ct);
            try
            {
                using var attached = _browser.ProxyOf(page).Attach((request, _) => HandleAsync(request, state, turn, requests.Token));
                var template = SettleWindows.TemplateOf(url);
                var (quiet, full) = _settle.Next(template);
                var captured = await CaptureAsync(page, url, browserVersion, state, quiet, template, ct);
                _settle.Observe(template, state.LongestPause, full, quiet);
                return captured;
            }
            finally
            {
                await requests.CancelAsync();
                await turn.DisposeAsync();
            }
        }, static c => c.Heap, ct);
        return captured;
    }

    /// <summary>The capture, and the page's JavaScript heap (bytes) as its last DOM read saw it.</summary>
    private async Task<(PageCaptureResult Page, double? Heap)> CaptureAsync(IPage page, Uri url, string browserVersion, Navigation state, TimeSpan quiet, string template, CancellationToken ct)
    {
        var startedAt = Clock.Now(_time);
        try
        {
            using (PipelineTelemetry.Source.StartActivity("browser.navigate"))
            {
                await page.GotoAsync(url.AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = _options.NavigationTimeoutMs });
            }
        }
        catch (TimeoutException ex)
        {
            state.ThrowIfFailed();
            if (state.Document is not null)
            {
                throw new HostilePageException(
                    $"the page did not finish loading within {_options.NavigationTimeoutMs} ms of its response (a script that never yields?)");
            }

            throw new TransientFetchException($"navigation timed out after {_options.NavigationTimeoutMs} ms", null, ex);
        }
        catch (PlaywrightException ex)
        {
            state.ThrowIfFailed();
            throw Classify(ex);
        }

        state.ThrowIfFailed();
        var document = state.Document ?? throw new PermanentFetchException("the browser received no response for the page");
        EarlyCapture? early = null;
        var settled = false;
        if (_options.NetworkIdleTimeoutMs > 0)
        {
            // Script-rendered pages fetch their data after load; give them a bounded chance to finish.
            using (var span = PipelineTelemetry.Source.StartActivity("browser.network-quiet"))
            {
                span?.SetTag("wtw.template", template);
                // Quiet counts from load, not from a request that ended before it: scripts often start their work on load.
                state.LoadFired(_time);
                var bound = new Bound(_time, TimeSpan.FromMilliseconds(_options.NetworkIdleTimeoutMs));
                using var settling = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var beginning = _early.ShouldTry(template)
                    ? BeginEarlyCaptureWhenQuietAsync(page, state, quiet, bound, settling.Token)
                    : Task.FromResult<EarlyCapture?>(null);
                try
                {
                    settled = await SettleAsync(page, state, quiet, bound, ct);
                }
                finally
                {
                    // Once the quiet is confirmed (or waited for in vain) an early capture begun after it would be no earlier.
                    await settling.CancelAsync();
                    early = await beginning;
                }
                if (!settled)
                {
                    _logger.LogDebug("Network not quiet after {Timeout} ms on {Url}; capturing anyway", _options.NetworkIdleTimeoutMs, url);
                }
            }
        }

        ct.ThrowIfCancellationRequested();
        try
        {
            var artifacts = early is null ? null : await KeepEarlyCaptureAsync(page, state, early, settled, template);
            artifacts ??= await TakeArtifactsAsync(page, compare: false);
            var read = artifacts.Read;
            var screenshot = artifacts.Screenshot;
            if (artifacts.Cut is { } cut)
            {
                state.Warnings.Enqueue(cut);
            }

            var html = StringProperty(read, "html");
            var text = StringProperty(read, "text");
            var anchors = read is { } l && l.TryGetProperty("links", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2 && e[0].ValueKind == JsonValueKind.String)
                    .Select(e => (e[0].GetString()!, e[1].ValueKind == JsonValueKind.String ? e[1].GetString() : null))
                    .ToList()
                : [];
            var (links, anchorTexts) = PageCapturer.NormalizeOutlinks(anchors);
            state.ThrowIfFailed();
            var warnings = state.Warnings.ToList();
            if (ResponseChecks.Decode(document.Content, document.ContentType).Note is { } note)
            {
                warnings.Insert(0, note);
            }

            var heap = read is { } r && r.TryGetProperty("heap", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetDouble() : (double?)null;
            return (new PageCaptureResult(
                url, new Uri(page.Url), document.Status, startedAt, Clock.Now(_time), html, text, screenshot,
                links, browserVersion, _options.UserAgent, 1, RenderMode.Browser, state.Exchanges.ToList(), warnings,
                state.Subresources.ToList(), anchorTexts), heap);
        }
        catch (TimeoutException ex)
        {
            throw new TransientFetchException("taking the page's artifacts timed out", null, ex);
        }
        catch (PlaywrightException ex)
        {
            state.ThrowIfFailed();
            // Typically the page navigated away (a script redirect) while we were reading it.
            throw new TransientFetchException($"the page changed while it was captured: {FirstLine(ex.Message)}", null, ex);
        }
    }

    /// <summary>
    /// Waits, within <see cref="FetcherOptions.NetworkIdleTimeoutMs"/> (<paramref name="bound"/>), until none of the
    /// page's requests has been open for <paramref name="quiet"/> (the page template's <see cref="SettleWindows"/>) and
    /// the page has rendered a frame since its last request without starting another: the frame lets a response still
    /// being processed issue what it leads to before the quiet is believed. A frame seen before the window closed
    /// counts (the early capture waits for one): asking for another would only wait longer for the same answer. One
    /// that is still needed is asked for once the window closed, not while it runs: on a busy machine a frame asked
    /// right after the last request can render before that response reaches the page's script, and the window then
    /// passes while the script is still working on it.
    /// </summary>
    private async Task<bool> SettleAsync(IPage page, Navigation state, TimeSpan quiet, Bound bound, CancellationToken ct)
    {
        // The caller's network-quiet span says whether a frame was waited for.
        var span = System.Diagnostics.Activity.Current;
        while (true)
        {
            if (bound.Left == TimeSpan.Zero || !await state.WaitQuietAsync(quiet, bound.Left, _time, ct))
            {
                return false;
            }

            if (state.FramedSinceLastActivity)
            {
                span?.SetTag("wtw.frame-waited", false);
                return true;
            }

            span?.SetTag("wtw.frame-waited", true);
            if (!await NextFrameAsync(page, state, bound, ct))
            {
                // A page that never renders a frame, or navigated away: captured as it is; the read reports the rest.
                return false;
            }

            if (state.FramedSinceLastActivity)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Waits for the page to render a frame and run the tasks queued behind it, noting it when no request started or
    /// ended meanwhile; false if the page rendered none within the bound or navigated away.
    /// </summary>
    private async Task<bool> NextFrameAsync(IPage page, Navigation state, Bound bound, CancellationToken ct)
    {
        var activity = state.Activity;
        var asked = _options.ResponseHandoverMs > 0 ? state.NotHandedOver(_time, TimeSpan.FromMilliseconds(_options.ResponseHandoverMs)) : [];
        try
        {
            if (asked.Count == 0)
            {
                await page.EvaluateAsync(NextFrameScript).WaitAsync(bound.Left, _time, ct);
            }
            else
            {
                var seen = await page.EvaluateAsync<JsonElement?>(HandoverFrameScript, asked).WaitAsync(bound.Left, _time, ct);
                if (!state.HandedOver(asked, seen))
                {
                    // Rendered, but before the page had every response the proxy relayed: the frame proves nothing.
                    System.Diagnostics.Activity.Current?.SetTag("wtw.handover-waited", true);
                    return true;
                }
            }
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            return false;
        }

        state.FrameRendered(activity);
        return true;
    }

    /// <summary>
    /// Starts taking the DOM and the screenshot while the quiet is waited for, at the first moment after load that the
    /// page has rendered a frame with no request open and every relayed response in hand; tried right after load and
    /// again each time the page falls silent for a quarter of <paramref name="quiet"/>, since a script's images or data
    /// are often still loading at load and the window that follows them is the time to hide the capture in. Null when
    /// <paramref name="settling"/> ends first (the quiet was confirmed: the artifacts are then taken as usual) or the
    /// page did not render in time.
    /// </summary>
    private async Task<EarlyCapture?> BeginEarlyCaptureWhenQuietAsync(IPage page, Navigation state, TimeSpan quiet, Bound bound, CancellationToken settling)
    {
        var lull = quiet / 4;
        var waitForLull = false;
        try
        {
            while (true)
            {
                // Not between two requests a script sends back to back: a capture begun there is discarded.
                if (waitForLull && !await state.WaitQuietAsync(lull, bound.Left, _time, settling))
                {
                    return null;
                }

                if (!await NextFrameAsync(page, state, bound, settling))
                {
                    return null;
                }

                var activity = state.Activity;
                if (state.IsQuietSince(activity) && state.FramedSinceLastActivity)
                {
                    var taking = TakeArtifactsAsync(page, compare: true);
                    // Observed from the start: a capture that ends early (cancelled, failed) never awaits it.
                    _ = taking.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    return new EarlyCapture(activity, taking);
                }

                // A request came during the frame: wait for the next lull. Still quiet, but a relayed response had not
                // reached the page: the next frame may show it has.
                waitForLull = !state.IsQuietSince(activity);
            }
        }
        catch (OperationCanceledException) when (settling.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// The artifacts with the early screenshot if it still shows the page: settled, no request since it was begun, and
    /// the DOM read now the same as the one read with it (markup, visible text, form values), with nothing on the page
    /// whose look the DOM does not hold. The check is the capture's own DOM read once more: it adds nothing to the page.
    /// Null otherwise, and the artifacts are taken again.
    /// </summary>
    private async Task<Artifacts?> KeepEarlyCaptureAsync(IPage page, Navigation state, EarlyCapture early, bool settled, string template)
    {
        using var span = PipelineTelemetry.Source.StartActivity("browser.early-capture");
        Artifacts? kept = null;
        try
        {
            // Finished before anything else is read: a screenshot still resizing the page must not overlap the next read.
            // On a page that did not settle it is waited for at most the settle's own bound more; a page stuck that long
            // fails in the retake, on its own bound.
            var artifacts = settled
                ? await early.Taking
                : await early.Taking.WaitAsync(TimeSpan.FromMilliseconds(_options.NetworkIdleTimeoutMs), _time);
            if (settled && state.IsQuietSince(early.Activity))
            {
                var read = await Bounded(page.EvaluateAsync<JsonElement?>(ReadDomScript, true), "reading the rendered DOM");
                kept = Unchanged(artifacts.Read, read) && state.IsQuietSince(early.Activity) ? artifacts with { Read = read } : null;
            }
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // Taken again, where a failure is the capture's to report. A page that outlasted a read's bound is hostile
            // and fails here, not once more in the retake.
        }

        _early.Observe(template, kept is not null);
        span?.SetTag("wtw.template", template);
        span?.SetTag("wtw.kept", kept is not null);
        return kept;
    }

    /// <summary>Whether two DOM reads show the same page, as far as the DOM can tell.</summary>
    private static bool Unchanged(JsonElement? before, JsonElement? after) =>
        !Opaque(before) && !Opaque(after)
        && StringProperty(before, "html") == StringProperty(after, "html")
        && StringProperty(before, "text") == StringProperty(after, "text")
        && StringProperty(before, "fields") == StringProperty(after, "fields");

    private static bool Opaque(JsonElement? read) =>
        read is not { } r || !r.TryGetProperty("opaque", out var v) || v.ValueKind != JsonValueKind.False;

    /// <summary>
    /// The rendered DOM (with its text and links) and the screenshot of the page as it is now; with what a later read
    /// is compared on when <paramref name="compare"/>.
    /// </summary>
    private async Task<Artifacts> TakeArtifactsAsync(IPage page, bool compare)
    {
        // The DOM read goes first so the screenshot's resize to the full page cannot change what is read; the two
        // round trips then overlap.
        var reading = Bounded(page.EvaluateAsync<JsonElement?>(ReadDomScript, compare), "reading the rendered DOM");
        var shooting = _options.CaptureScreenshot ? Bounded(ScreenshotAsync(page), "taking the screenshot") : Task.FromResult((Array.Empty<byte>(), (string?)null, false));
        JsonElement? read;
        using (PipelineTelemetry.Source.StartActivity("browser.read-dom"))
        {
            try
            {
                read = await reading;
            }
            catch
            {
                // The screenshot's own failure, if any, is not the one to report; observe it so it is not lost unseen.
                _ = shooting.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw;
            }
        }

        using (var span = PipelineTelemetry.Source.StartActivity("browser.screenshot"))
        {
            var (screenshot, cut, beyond) = await shooting;
            span?.SetTag("wtw.beyond-viewport", beyond);
            return new Artifacts(read, screenshot, cut);
        }
    }

    /// <summary>What a capture keeps of the rendered page; <paramref name="Cut"/> says when the screenshot was cut short.</summary>
    private sealed record Artifacts(JsonElement? Read, byte[] Screenshot, string? Cut);

    /// <summary>Artifacts being taken early, with what the page had done when they were begun.</summary>
    private sealed record EarlyCapture(long Activity, Task<Artifacts> Taking);

    /// <summary>A time budget started now.</summary>
    private sealed class Bound(TimeProvider time, TimeSpan budget)
    {
        private readonly long _started = time.GetTimestamp();

        public TimeSpan Left => budget - time.GetElapsedTime(_started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static string StringProperty(JsonElement? read, string name) =>
        read is { } r && r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    /// <summary>
    /// The full page as PNG, taken over the DevTools protocol: Playwright's full-page screenshot costs extra round trips
    /// and encodes PNG at its slowest setting. The height is bounded (<see cref="FetcherOptions.MaxScreenshotSize"/>)
    /// so an endless page cannot make an endless image; a cut is noted among the capture's warnings.
    /// </summary>
    private async Task<(byte[] Png, string? Cut, bool Beyond)> ScreenshotAsync(IPage page)
    {
        // One DevTools session per page, kept while the page is reused: attaching costs a round trip per capture. Held
        // as a task, so an early screenshot and a retake of one page cannot each attach one.
        var attaching = _devTools.GetValue(page, p => p.Context.NewCDPSessionAsync(p));
        ICDPSession cdp;
        try
        {
            cdp = await attaching;
        }
        catch
        {
            // Not kept: the page's next screenshot attaches again.
            _devTools.Remove(page);
            throw;
        }

        var metrics = await cdp.SendAsync("Page.getLayoutMetrics");
        var (width, height) = (_options.ViewportWidth, _options.ViewportHeight);
        if (metrics is { } m && m.TryGetProperty("cssContentSize", out var size))
        {
            width = Math.Max(1, (int)Math.Ceiling(size.GetProperty("width").GetDouble()));
            height = Math.Max(1, (int)Math.Ceiling(size.GetProperty("height").GetDouble()));
        }

        var cut = width > _options.MaxScreenshotSize || height > _options.MaxScreenshotSize
            ? $"screenshot cut to {_options.MaxScreenshotSize} px from a {width}x{height} px page"
            : null;

        // Beyond the viewport, Chromium lays the page out again at its full size and back after: a third more CPU per
        // screenshot, for nothing when the whole page is in view already.
        var beyond = !FitsViewport(metrics, width, height);
        var shot = await cdp.SendAsync("Page.captureScreenshot", new Dictionary<string, object>
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = beyond,
            ["optimizeForSpeed"] = true,
            ["clip"] = new Dictionary<string, object>
            {
                ["x"] = 0, ["y"] = 0, ["scale"] = 1,
                ["width"] = Math.Min(width, _options.MaxScreenshotSize), ["height"] = Math.Min(height, _options.MaxScreenshotSize),
            },
        });
        return shot is { } s && s.TryGetProperty("data", out var data) && data.GetString() is { } base64
            ? (Convert.FromBase64String(base64), cut, beyond)
            : throw new PlaywrightException("the browser returned no screenshot");
    }

    /// <summary>Whether a page of <paramref name="width"/> x <paramref name="height"/> CSS px is all in the visual viewport, unscrolled.</summary>
    private static bool FitsViewport(JsonElement? metrics, int width, int height) =>
        metrics is { } m && m.TryGetProperty("cssVisualViewport", out var v)
        && v.TryGetProperty("clientWidth", out var w) && v.TryGetProperty("clientHeight", out var h)
        && v.TryGetProperty("pageX", out var x) && v.TryGetProperty("pageY", out var y)
        && x.GetDouble() == 0 && y.GetDouble() == 0 && v.TryGetProperty("scale", out var zoom) && zoom.GetDouble() == 1
        && width <= Math.Floor(w.GetDouble()) && height <= Math.Floor(h.GetDouble());

    private async Task<T> Bounded<T>(Task<T> read, string what)
    {
        try
        {
            return await read.WaitAsync(TimeSpan.FromMilliseconds(_options.NavigationTimeoutMs), _time);
        }
        catch (TimeoutException)
        {
            throw new HostilePageException($"{what} took longer than {_options.NavigationTimeoutMs} ms (a script that never yields?)");
        }
    }

    /// <summary>Answers one request of the page (see <see cref="CaptureProxy"/>): fetched, checked and recorded, or refused.</summary>
    private async Task<ProxiedResponse> HandleAsync(ProxiedRequest request, Navigation state, HostPoliteness.HostTurn turn, CancellationToken ct)
    {
        var kind = RequestKinds.Of(request);
        var isDocument = state.IsDocumentRequest(request, kind);
        if (!isDocument && request.Url.AbsolutePath == "/favicon.ico")
        {
            // Chromium asks for the site's icon by itself, after load; it is not the page's, and waiting for it would
            // only delay the quiet. An icon the page names in a <link> has another path and is fetched.
            return ProxiedResponse.Refused(404, "the fetcher does not load the default site icon");
        }

        var url = request.Url;
        state.RequestStarted(_time);
        try
        {
            if (!isDocument && _blockedTypes.Contains(kind))
            {
                return ProxiedResponse.Refused(403, $"{kind} is not loaded (Fetcher:BlockedResourceTypes)");
            }

            if (isDocument && state.Exchanges.Count > _options.MaxRedirects)
            {
                throw new HostilePageException($"more than {_options.MaxRedirects} redirects (a redirect loop?), the last to {url.GetLeftPart(UriPartial.Path)}");
            }

            var headers = SessionCookies.With(request.Headers, url, state.Cookies);
            var exchange = await _http.SendAsync(
                url, request.Method, headers, request.Body,
                isDocument ? _options.MaxDocumentBytes : _options.MaxResourceBytes, isDocument ? turn.Answered : null, ct);
            if (isDocument)
            {
                state.Exchanges.Enqueue(exchange);
                if (exchange.IsRedirect)
                {
                    // The browser follows it through this proxy, resolving the page's links against where it lands.
                    state.ExpectDocument(Uri.TryCreate(url, exchange.Header("location"), out var next)
                        ? next
                        : throw new PermanentFetchException($"a redirect to a malformed address '{Shorten(exchange.Header("location")!)}'"));
                    return Relay(exchange);
                }

                ResponseChecks.CheckDocument(exchange, _time.GetUtcNow());
                state.Document = exchange;
                state.ExpectDocument(null);
            }
            else if ((kind == "image" || exchange.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true)
                && ResponseChecks.ImageSize(exchange.Content) is var (width, height) && width * height > _options.MaxImagePixels)
            {
                throw new HostilePageException($"{width}x{height} pixels, over the {_options.MaxImagePixels}-pixel limit (a decompression bomb?)");
            }
            else if (_options.WarcSubresourceBytes > 0 && !state.KeepSubresource(exchange, _options.WarcSubresourceBytes))
            {
                state.Warnings.Enqueue($"not in the WARC (over the {_options.WarcSubresourceBytes}-byte sub-resource budget): {kind} {Shorten(url.AbsoluteUri)}");
            }

            if (!isDocument && !exchange.IsRedirect && state.IsFromPage(request))
            {
                state.Relayed(url, _time);
            }

            return Relay(exchange);
        }
        catch (FetchException e)
        {
            if (isDocument)
            {
                state.Fail(e);
            }
            else
            {
                state.Warnings.Enqueue($"refused {kind} {Shorten(url.AbsoluteUri)}: {e.Message}");
            }

            return ProxiedResponse.Refused(502, e.Message);
        }
        catch (OperationCanceledException)
        {
            return ProxiedResponse.Refused(502, "the capture ended before this request was answered");
        }
        finally
        {
            state.RequestEnded(_time);
        }
    }

    private static ProxiedResponse Relay(HttpExchange exchange) =>
        new(exchange.Status, exchange.Reason, [.. exchange.ResponseHeaders.Where(h => !UnforwardedResponseHeaders.Contains(h.Key)), NoStore], exchange.Content);

    private static FetchException Classify(PlaywrightException ex)
    {
        var message = ex.Message;
        if (TransientNetErrors.FirstOrDefault(e => message.Contains(e, StringComparison.Ordinal)) is { } transient)
        {
            return new TransientFetchException($"network error (net::{transient})", null, ex);
        }

        var netError = NetError().Match(message);
        if (netError.Success)
        {
            return new PermanentFetchException($"network error ({netError.Value})", ex);
        }

        // Anything else is the browser itself failing (a crash, a closed target): worth another attempt.
        return new TransientFetchException($"browser error: {FirstLine(message)}", null, ex);
    }

    private static string Shorten(string url) => url.Length <= 200 ? url : url[..200] + "…";

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).Trim();
    }

    [GeneratedRegex(@"net::ERR_[A-Z0-9_]+")]
    private static partial Regex NetError();

    /// <summary>What the capture proxy saw of one page's navigation.</summary>
    private sealed class Navigation(IReadOnlyList<SessionCookie>? cookies, Uri target)
    {
        private FetchException? _failure;
        private Uri? _expectedDocument = target;
        private long _subresourceBytes;

        public IReadOnlyList<SessionCookie>? Cookies { get; } = cookies;
        private int _inFlight;
        private long _lastActivity;

        public ConcurrentQueue<HttpExchange> Exchanges { get; } = new();

        public ConcurrentQueue<HttpExchange> Subresources { get; } = new();

        /// <summary>Keeps <paramref name="exchange"/> for the WARC while the page's budget lasts.</summary>
        public bool KeepSubresource(HttpExchange exchange, long budget)
        {
            if (Interlocked.Add(ref _subresourceBytes, exchange.Body.Length) > budget)
            {
                return false;
            }

            Subresources.Enqueue(exchange);
            return true;
        }

        public ConcurrentQueue<string> Warnings { get; } = new();

        public HttpExchange? Document { get; set; }

        /// <summary>The next top-level document is to come from <paramref name="url"/> (the target, or where a redirect sent it); null once it came.</summary>
        public void ExpectDocument(Uri? url) => Volatile.Write(ref _expectedDocument, url);

        public bool IsDocumentRequest(ProxiedRequest request, string kind) =>
            RequestKinds.IsTopDocument(request, kind, Volatile.Read(ref _expectedDocument));

        public void Fail(FetchException e) => Interlocked.CompareExchange(ref _failure, e, null);

        private long _activity;

        /// <summary>Counts every request start and end, so a caller can tell whether anything happened since.</summary>
        public long Activity => Interlocked.Read(ref _activity);

        public bool IsQuietSince(long activity) => Volatile.Read(ref _inFlight) == 0 && Activity == activity;

        private long _framedActivity = -1;

        /// <summary>
        /// A frame was rendered, asked for when <see cref="Activity"/> was <paramref name="activity"/>; it counts only
        /// if no request started or ended since, so it came after the page's last request.
        /// </summary>
        public void FrameRendered(long activity)
        {
            if (IsQuietSince(activity))
            {
                Volatile.Write(ref _framedActivity, activity);
            }
        }

        /// <summary>Whether a frame was rendered after the page's last request, with none open and none since.</summary>
        public bool FramedSinceLastActivity => IsQuietSince(Volatile.Read(ref _framedActivity));

        private long _longestPauseTicks;

        private volatile bool _loaded;

        /// <summary>
        /// The longest time after load the page had no request open before the next started. Pauses before load do
        /// not count: the browser is still parsing then, and the quiet is only waited for after load.
        /// </summary>
        public TimeSpan LongestPause => TimeSpan.FromTicks(Interlocked.Read(ref _longestPauseTicks));

        public void RequestStarted(TimeProvider time)
        {
            var last = Volatile.Read(ref _lastActivity);
            if (Interlocked.Increment(ref _inFlight) == 1 && last != 0 && _loaded)
            {
                var pause = time.GetElapsedTime(last).Ticks;
                for (var seen = Interlocked.Read(ref _longestPauseTicks); pause > seen; seen = Interlocked.Read(ref _longestPauseTicks))
                {
                    if (Interlocked.CompareExchange(ref _longestPauseTicks, pause, seen) == seen)
                    {
                        break;
                    }
                }
            }

            Volatile.Write(ref _lastActivity, time.GetTimestamp());
            Interlocked.Increment(ref _activity);
        }

        /// <summary>The load event counts as activity: a pause is measured from it as from a request's end.</summary>
        public void LoadFired(TimeProvider time)
        {
            if (Volatile.Read(ref _inFlight) == 0)
            {
                Volatile.Write(ref _lastActivity, time.GetTimestamp());
            }

            _loaded = true;
        }

        public void RequestEnded(TimeProvider time)
        {
            Volatile.Write(ref _lastActivity, time.GetTimestamp());
            Interlocked.Increment(ref _activity);
            Interlocked.Decrement(ref _inFlight);
        }

        /// <summary>
        /// Every request of the page passes through the capture proxy, so we know when none is open: quiet means none
        /// for <paramref name="quiet"/>, measured here rather than by Playwright's fixed 500 ms network-idle window.
        /// </summary>
        public async Task<bool> WaitQuietAsync(TimeSpan quiet, TimeSpan bound, TimeProvider time, CancellationToken ct)
        {
            var started = time.GetTimestamp();
            var busy = TimeSpan.FromMilliseconds(Math.Clamp(quiet.TotalMilliseconds / 4, 2, 20));
            while (time.GetElapsedTime(started) < bound)
            {
                // Idle: sleep exactly until the window would close; a request in between shows in the next look.
                var idleFor = time.GetElapsedTime(Volatile.Read(ref _lastActivity));
                if (Volatile.Read(ref _inFlight) == 0 && idleFor >= quiet)
                {
                    return true;
                }

                var step = Volatile.Read(ref _inFlight) == 0 ? quiet - idleFor : busy;
                await Task.Delay(step < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : step, time, ct);
            }

            return false;
        }

        private readonly Lock _handover = new();
        private readonly Dictionary<string, int> _relayed = new(StringComparer.Ordinal);
        private readonly List<(string Url, long At)> _notHandedOver = [];

        /// <summary>
        /// Whether the top document asked for <paramref name="request"/>: its Referer is the document's address (or,
        /// to another origin, the document's origin), so the document's resource timing will list it. Frames' and
        /// workers' requests, and those sent without a Referer, are not followed.
        /// </summary>
        public bool IsFromPage(ProxiedRequest request)
        {
            if (Document?.Url is not { } document || !Uri.TryCreate(request.Header("referer"), UriKind.Absolute, out var referer))
            {
                return false;
            }

            static string Origin(Uri u) => u.GetLeftPart(UriPartial.Authority) + "/";
            return referer.GetLeftPart(UriPartial.Query) == document.GetLeftPart(UriPartial.Query)
                || (Origin(request.Url) != Origin(document) && referer.AbsoluteUri == Origin(document));
        }

        /// <summary>The proxy relayed a response to the page's request for <paramref name="url"/>.</summary>
        public void Relayed(Uri url, TimeProvider time)
        {
            lock (_handover)
            {
                _relayed[url.AbsoluteUri] = _relayed.GetValueOrDefault(url.AbsoluteUri) + 1;
                _notHandedOver.Add((url.AbsoluteUri, time.GetTimestamp()));
            }
        }

        /// <summary>
        /// The addresses of relayed responses the page has not yet shown it received, relayed less than
        /// <paramref name="wait"/> ago; older ones are given up on (the page will never list them, or is too slow).
        /// </summary>
        public IReadOnlyList<string> NotHandedOver(TimeProvider time, TimeSpan wait)
        {
            lock (_handover)
            {
                _notHandedOver.RemoveAll(r => time.GetElapsedTime(r.At) >= wait);
                return _notHandedOver.Select(r => r.Url).Distinct(StringComparer.Ordinal).ToList();
            }
        }

        /// <summary>
        /// Takes the page's count of timing entries for each of <paramref name="asked"/> (-1: cannot tell, taken as all
        /// there); true when the page had every response asked about.
        /// </summary>
        public bool HandedOver(IReadOnlyList<string> asked, JsonElement? seen)
        {
            if (seen is not { ValueKind: JsonValueKind.Array } counts || counts.GetArrayLength() != asked.Count)
            {
                // Not an answer this script gives: the page replaced something it uses. Nothing to wait for, then.
                lock (_handover)
                {
                    _notHandedOver.Clear();
                }

                return true;
            }

            lock (_handover)
            {
                for (var i = 0; i < asked.Count; i++)
                {
                    var count = counts[i].ValueKind == JsonValueKind.Number ? counts[i].GetDouble() : -1;
                    // The page lists every response for the address it received; the newest ones are those still to come.
                    var missing = count < 0 ? 0 : Math.Max(0, _relayed.GetValueOrDefault(asked[i]) - (int)Math.Min(count, int.MaxValue));
                    var pending = _notHandedOver.Where(r => r.Url == asked[i]).ToList();
                    foreach (var done in pending.Take(Math.Max(0, pending.Count - missing)))
                    {
                        _notHandedOver.Remove(done);
                    }
                }

                return !_notHandedOver.Any(r => asked.Contains(r.Url, StringComparer.Ordinal));
            }
        }

        public void ThrowIfFailed()
        {
            if (_failure is { } failure)
            {
                throw failure;
            }
        }
    }
}
