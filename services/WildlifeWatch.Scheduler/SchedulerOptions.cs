using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Scheduler;

/// <summary>Settings of the scheduler (section <c>Scheduler</c>, environment <c>Scheduler__SeedsFile</c>, ...).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>YAML or JSON seeds file; when set, the scheduler starts (or resumes) a crawl of it at start-up.</summary>
    public string? SeedsFile { get; set; }

    /// <summary>The crawl to start or resume; generated when empty.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "Scheduler:CrawlId may hold letters, digits, '.', '_' and '-' only.")]
    public string? CrawlId { get; set; }

    /// <summary>The product token matched against robots.txt user-agent lines.</summary>
    [Required]
    public string RobotsUserAgentToken { get; set; } = "WildlifeTradeWatch";

    public TimeSpan RobotsCacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A frontier entry queued for longer than this is announced to the fetchers again (the lease of a request).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Scheduler:RequeueAfter must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait between two re-announcements of the same entry (the back-off doubles up to it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Scheduler:RequeueMaxBackoff must be between 00:00:01 and 7.00:00:00.")]
    public TimeSpan RequeueMaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the sweeper looks for stale entries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Scheduler:SweepInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many entries are announced again per crawl and sweep.</summary>
    [Range(1, 100_000)]
    public int MaxRequeuePerSweep { get; set; } = 500;

    /// <summary>Query parameters removed during normalization on top of the built-in tracking list.</summary>
    public List<string> ExtraTrackingParameters { get; set; } = [];

    /// <summary>Query parameter prefixes removed during normalization on top of the built-in ones (<c>utm_</c>).</summary>
    public List<string> ExtraTrackingPrefixes { get; set; } = [];

    /// <summary>
    /// Requests of one crawl announced to the fetchers and not yet answered. The rest of the frontier waits and is
    /// released highest priority first, so the bound is what makes priorities count: keep it near the fetchers' total concurrency.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxInFlightPerCrawl { get; set; } = 32;

    /// <summary>Page URLs taken from one seed's sitemaps at the start of a crawl.</summary>
    [Range(0, 1_000_000)]
    public int MaxSitemapUrls { get; set; } = 10_000;

    /// <summary>How often the scheduler looks for watched listings due for a revisit (seeds with a <c>revisitInterval</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Scheduler:RevisitCheckInterval must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan RevisitCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Listings of one seed revisited in one revisit crawl (the least recently seen first).</summary>
    [Range(1, 1_000_000)]
    public int MaxRevisitsPerSeed { get; set; } = 5_000;

    /// <summary>Sitemap files (indexes included) read for one seed.</summary>
    [Range(1, 10_000)]
    public int MaxSitemapFiles { get; set; } = 50;
}
