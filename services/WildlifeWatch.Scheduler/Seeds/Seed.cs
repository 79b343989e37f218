using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Scheduler.Seeds;

/// <summary>One site to watch: where to start, what is in scope, how deep to go, how to fetch and how often to come back.</summary>
public sealed class Seed
{
    public const string KeywordPlaceholder = "{keyword}";

    public string Id { get; set; } = string.Empty;

    public List<string> StartUrls { get; set; } = [];

    /// <summary>Search URLs with a <c>{keyword}</c> placeholder, each expanded over every keyword of every language.</summary>
    public List<string> SearchTemplates { get; set; } = [];

    /// <summary>Keywords per language (e.g. <c>en: [ivory]</c>, <c>zh: [象牙]</c>); added to the seeds file's shared keywords.</summary>
    public Dictionary<string, List<string>> Keywords { get; set; } = [];

    /// <summary>host or host:port; empty means the hosts of the start URLs.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Regular expressions on path and query; when present, a link must match one.</summary>
    public List<string> IncludePatterns { get; set; } = [];

    /// <summary>Regular expressions on path and query; a link that matches one is never admitted.</summary>
    public List<string> ExcludePatterns { get; set; } = [];

    /// <summary>Regular expressions on path and query that mark a listing page (fetched before navigation pages); empty uses common shapes.</summary>
    public List<string> ListingPatterns { get; set; } = [];

    /// <summary>Links followed from a start URL (depth 0) up to this many hops.</summary>
    public int MaxDepth { get; set; } = 3;

    public bool RespectRobotsTxt { get; set; } = true;

    /// <summary><c>browser</c>, <c>http</c> or <c>auto</c>; empty leaves the choice to the fetcher.</summary>
    public string? RenderMode { get; set; }

    /// <summary>How often a listing page is captured again, e.g. <c>12h</c>, <c>7d</c> or <c>1.00:00:00</c>; empty: never.</summary>
    public string? RevisitInterval { get; set; }

    /// <summary>Requests per minute to one host of this seed; robots.txt Crawl-delay is honoured when it asks for less.</summary>
    public double? RequestsPerMinute { get; set; }

    /// <summary>Sitemaps (or sitemap indexes, gzip or not) to read at the start besides those robots.txt names.</summary>
    public List<string> Sitemaps { get; set; } = [];

    /// <summary>Read the sitemaps that robots.txt names with <c>Sitemap:</c> lines.</summary>
    public bool UseRobotsSitemaps { get; set; } = true;

    /// <summary>Texts that say a listing was taken down ("item removed"); empty uses the multilingual defaults.</summary>
    public List<string> RemovedMarkers { get; set; } = [];

    /// <summary>Login-free session cookies a site needs to show its listings (a region or age gate, a consent choice).</summary>
    public List<SeedCookie> Cookies { get; set; } = [];

    /// <summary>
    /// The cookies the fetcher sends with a request for <paramref name="url"/>; a cookie without a domain belongs to
    /// the hosts of the seed, so it goes to the URL's own host. Null when the seed has none.
    /// </summary>
    public IReadOnlyList<SessionCookie>? CookiesFor(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (Cookies.Count == 0)
        {
            return null;
        }

        return Cookies.Select(c => new SessionCookie(c.Name, c.Value, string.IsNullOrWhiteSpace(c.Domain) ? url.IdnHost : c.Domain.Trim().TrimStart('.'), string.IsNullOrEmpty(c.Path) ? "/" : c.Path))
            .ToList();
    }

    /// <summary>The start URLs followed by every search template expanded over <paramref name="sharedKeywords"/> and the seed's own keywords.</summary>
    public IReadOnlyList<string> ExpandStartUrls(IReadOnlyDictionary<string, List<string>>? sharedKeywords = null)
    {
        var keywords = (sharedKeywords ?? new Dictionary<string, List<string>>()).Values.SelectMany(k => k)
            .Concat(Keywords.Values.SelectMany(k => k))
            .Select(k => k.Trim())
            .Where(k => k.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var urls = new List<string>(StartUrls);
        foreach (var template in SearchTemplates)
        {
            urls.AddRange(keywords.Select(k => template.Replace(KeywordPlaceholder, Uri.EscapeDataString(k), StringComparison.Ordinal)));
        }

        return urls.Distinct(StringComparer.Ordinal).ToList();
    }
}

/// <summary>A cookie sent with every request of a seed.</summary>
public sealed class SeedCookie
{
    public string Name { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    /// <summary>The host the cookie belongs to; empty means the hosts of the seed.</summary>
    public string? Domain { get; set; }

    public string Path { get; set; } = "/";
}

/// <summary>The content of a seeds file.</summary>
public sealed class SeedSet
{
    /// <summary>Keywords per language shared by every seed's search templates.</summary>
    public Dictionary<string, List<string>> Keywords { get; set; } = [];

    public List<Seed> Seeds { get; set; } = [];
}
