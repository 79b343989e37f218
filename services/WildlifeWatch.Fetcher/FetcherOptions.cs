using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Fetcher;

/// <summary>Settings of the fetcher (section <c>Fetcher</c>, environment <c>Fetcher__MaxConcurrentPages</c>, ...).</summary>
public sealed class FetcherOptions
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
}
