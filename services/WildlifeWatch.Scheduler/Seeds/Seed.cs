namespace WildlifeWatch.Scheduler.Seeds;

/// <summary>One site to watch: where to start, what is in scope, how deep to go.</summary>
public sealed class Seed
{
    public string Id { get; set; } = string.Empty;

    public List<string> StartUrls { get; set; } = [];

    /// <summary>host or host:port; empty means the hosts of the start URLs.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Regular expressions on path and query; when present, a link must match one.</summary>
    public List<string> IncludePatterns { get; set; } = [];

    /// <summary>Regular expressions on path and query; a link that matches one is never admitted.</summary>
    public List<string> ExcludePatterns { get; set; } = [];

    /// <summary>Links followed from a start URL (depth 0) up to this many hops.</summary>
    public int MaxDepth { get; set; } = 3;

    public bool RespectRobotsTxt { get; set; } = true;
}

/// <summary>The content of a seeds file.</summary>
public sealed class SeedSet
{
    public List<Seed> Seeds { get; set; } = [];
}
