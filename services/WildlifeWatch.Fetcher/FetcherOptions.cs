using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Fetcher;

/// <summary>Settings of the fetcher (section <c>Fetcher</c>, environment <c>Fetcher__MaxConcurrentPages</c>, ...).</summary>
public sealed class FetcherOptions : IValidatableObject
{
    public const string Section = "Fetcher";

    public const string DefaultUserAgent =
        "WildlifeTradeWatch/0.1 (+https://github.com/wildlife-trade-watch; crawler for CITES enforcement)";

    /// <summary>Chromium binary; when unset, <c>PLAYWRIGHT_CHROMIUM_EXECUTABLE</c>, then <c>/usr/bin/chromium</c>.</summary>
    public string? ExecutablePath { get; set; }

    public bool Headless { get; set; } = true;

    [Range(1, 64)]
    public int MaxConcurrentPages { get; set; } = 2;

    [Range(1_000, 600_000)]
    public int NavigationTimeoutMs { get; set; } = 30_000;

    /// <summary>After <c>load</c>, how long to wait for the network to go idle before capturing anyway.</summary>
    [Range(0, 120_000)]
    public int NetworkIdleTimeoutMs { get; set; } = 3_000;

    /// <summary>
    /// After <c>load</c>, the page counts as settled once none of its requests has been open for this long (each
    /// request passes through the fetcher, so it knows). Longer catches data a script fetches after a pause.
    /// </summary>
    [Range(10, 10_000)]
    public int NetworkQuietMs { get; set; } = 200;

    /// <summary>
    /// How long, from the fetcher relaying it, a response the page asked for may take to reach the page's script before
    /// the page is captured without it. On a busy machine the browser can hand a response over well after the network
    /// went quiet; the page's own resource timing says when it has it. Responses the page never reports (a full timing
    /// buffer, a redirected request) wait this long at most. 0 trusts the quiet window alone.
    /// </summary>
    [Range(0, 60_000)]
    public int ResponseHandoverMs { get; set; } = 1_000;

    /// <summary>
    /// The shortest quiet window a host's pages may wait once its full-window pages showed that its requests follow each
    /// other with short pauses (<see cref="SettleWindows"/>); equal to <see cref="NetworkQuietMs"/>, every page waits the full window.
    /// </summary>
    [Range(10, 10_000)]
    public int NetworkQuietMinMs { get; set; } = 50;

    /// <summary>
    /// Every so many pages of a page template, one waits the full window again to re-learn its pauses; the interval
    /// doubles while these samples agree with what was learned, up to <see cref="NetworkQuietRecheckMaxPages"/>, and
    /// starts again from here when one does not (<see cref="SettleWindows"/>).
    /// </summary>
    [Range(1, 10_000)]
    public int NetworkQuietRecheckPages { get; set; } = 10;

    /// <summary>The longest interval between a template's full-window samples; equal to <see cref="NetworkQuietRecheckPages"/>, it never grows.</summary>
    [Range(1, 10_000)]
    public int NetworkQuietRecheckMaxPages { get; set; } = 80;

    /// <summary>
    /// Whether the DOM and the screenshot are taken while the quiet is still being waited for, once the page has loaded
    /// and rendered with no request open; the screenshot is kept only if no request came before the quiet was confirmed
    /// and the DOM read then is the DOM read with it, and both are taken again otherwise (<see cref="EarlyCaptures"/>).
    /// False takes them after.
    /// </summary>
    public bool CaptureEarly { get; set; } = true;

    /// <summary>Minimum spacing between two requests to one host from this process.</summary>
    [Range(0, 600_000)]
    public int PerHostMinDelayMs { get; set; } = 1_000;

    [Required]
    [MinLength(1)]
    public string UserAgent { get; set; } = DefaultUserAgent;

    [Range(320, 7_680)]
    public int ViewportWidth { get; set; } = 1280;

    [Range(240, 7_680)]
    public int ViewportHeight { get; set; } = 900;

    /// <summary>Attempts at a page whose failures are transient (timeouts, resets, 429/502/503/504).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First back-off delay between attempts; it grows exponentially, with jitter.</summary>
    [Range(0, 600_000)]
    public int RetryBaseDelayMs { get; set; } = 1_000;

    /// <summary>Upper bound of any single back-off, including one a server asks for with Retry-After.</summary>
    [Range(0, 600_000)]
    public int RetryMaxDelayMs { get; set; } = 30_000;

    /// <summary>
    /// Networks the SSRF guard lets the fetcher reach although they are loopback, private, link-local, CGNAT or
    /// multicast: a comma-separated CIDR list (<c>127.0.0.0/8,::1/128</c>). Empty: only public addresses.
    /// </summary>
    [CidrList]
    public string AllowedPrivateNetworks { get; set; } = string.Empty;

    /// <summary>Largest page document, as received and after content-decoding.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest sub-resource of a page (script, image, style, XHR), as received and decoded.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxResourceBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Redirects followed for one page before it is recorded as a redirect loop.</summary>
    [Range(0, 50)]
    public int MaxRedirects { get; set; } = 10;

    /// <summary>Largest image (width x height) a page may load; a larger one is refused as a decompression bomb.</summary>
    [Range(1_000, 1_000_000_000)]
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Default render mode when a request names none: <c>browser</c>, <c>http</c> or <c>auto</c>.</summary>
    [RegularExpression("^(browser|http|auto)$")]
    public string RenderMode { get; set; } = Fetcher.RenderMode.Browser;

    /// <summary>Pages per host that <c>auto</c> remembers to decide whether the host needs the browser.</summary>
    [Range(1, 1_000)]
    public int AutoSampleSize { get; set; } = 10;

    /// <summary>Resource types a page may not load (Playwright names: font, media, image, stylesheet, ...).</summary>
    public string BlockedResourceTypes { get; set; } = "font,media";

    /// <summary>
    /// Bytes of a page's sub-resources (images, scripts, styles, XHR) kept in its WARC as received, so the evidence
    /// shows what the browser was served; 0 records the document only. Beyond the budget a warning names what was left out.
    /// </summary>
    [Range(0, 1_073_741_824)]
    public long WarcSubresourceBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Whether browser captures take the full-page screenshot. Evidence needs it; off only to measure what it costs
    /// (the fetcher benchmark's "capture off" runs), since a capture without it holds an empty image.
    /// </summary>
    public bool CaptureScreenshot { get; set; } = true;

    /// <summary>Largest width or height of a screenshot, in CSS pixels; a longer page is cut there (and says so).</summary>
    [Range(240, 32_767)]
    public int MaxScreenshotSize { get; set; } = 16_384;

    /// <summary>
    /// Idle browser contexts kept for their hosts besides those in use (least recently used closed first): a crawl
    /// that interleaves more hosts than <see cref="MaxConcurrentPages"/> reuses them instead of opening one per page.
    /// </summary>
    [Range(0, 64)]
    public int IdleContexts { get; set; } = 4;

    /// <summary>
    /// Whether a context navigates the page of its last healthy capture again rather than opening a new page (a new
    /// renderer) per capture. Pages that failed or outgrew the heap bound are never reused.
    /// </summary>
    public bool ReusePages { get; set; } = true;

    /// <summary>Pages a browser context serves before it is closed and replaced.</summary>
    [Range(1, 100_000)]
    public int ContextMaxPages { get; set; } = 50;

    /// <summary>JavaScript heap (MB) above which a browser context is replaced after its page.</summary>
    [Range(16, 16_384)]
    public int ContextMaxHeapMb { get; set; } = 256;

    /// <summary>Transient failures in a row (within the sampling window) that open a host's circuit breaker.</summary>
    [Range(2, 1_000)]
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>Window in which the failures are counted.</summary>
    [Range(500, 3_600_000)]
    public int BreakerSamplingMs { get; set; } = 120_000;

    /// <summary>How long an opened breaker pauses its host before letting one trial request through.</summary>
    [Range(500, 86_400_000)]
    public int BreakerBreakMs { get; set; } = 60_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NetworkQuietMinMs > NetworkQuietMs)
        {
            yield return new ValidationResult(
                $"NetworkQuietMinMs ({NetworkQuietMinMs}) must not exceed NetworkQuietMs ({NetworkQuietMs}); set them equal to wait the full window on every page.",
                [nameof(NetworkQuietMinMs), nameof(NetworkQuietMs)]);
        }

        if (NetworkQuietRecheckMaxPages < NetworkQuietRecheckPages)
        {
            yield return new ValidationResult(
                $"NetworkQuietRecheckMaxPages ({NetworkQuietRecheckMaxPages}) must not be below NetworkQuietRecheckPages ({NetworkQuietRecheckPages}); set them equal for a fixed interval.",
                [nameof(NetworkQuietRecheckMaxPages), nameof(NetworkQuietRecheckPages)]);
        }
    }
}
