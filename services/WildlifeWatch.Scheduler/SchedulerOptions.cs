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

    /// <summary>Query parameters removed during normalization on top of the built-in tracking list.</summary>
    public List<string> ExtraTrackingParameters { get; set; } = [];
}
