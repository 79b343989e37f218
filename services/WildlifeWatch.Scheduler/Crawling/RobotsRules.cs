namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// The robots.txt rules that apply to one user agent (RFC 9309): the most specific group wins, within it
/// the longest matching rule wins, and Allow wins a tie. '*' and a trailing '$' are supported.
/// </summary>
public sealed class RobotsRules
{
    public static readonly RobotsRules AllowAll = new([], null, []);
    public static readonly RobotsRules DisallowAll = new([new Rule("/", Allow: false)], null, []);

    private readonly IReadOnlyList<Rule> _rules;

    private RobotsRules(IReadOnlyList<Rule> rules, TimeSpan? crawlDelay, IReadOnlyList<string> sitemaps)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
        Sitemaps = sitemaps;
    }

    public TimeSpan? CrawlDelay { get; }

    /// <summary>The absolute URLs of the file's <c>Sitemap:</c> lines, which belong to no group.</summary>
    public IReadOnlyList<string> Sitemaps { get; }

    public static RobotsRules Parse(string content, string userAgentToken)
    {
        var groups = new List<Group>();
        var sitemaps = new List<string>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var rawLine in content.Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = hash >= 0 ? rawLine[..hash] : rawLine;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (field == "sitemap")
            {
                if (Uri.TryCreate(value, UriKind.Absolute, out var sitemap) && (sitemap.Scheme == Uri.UriSchemeHttp || sitemap.Scheme == Uri.UriSchemeHttps))
                {
                    sitemaps.Add(sitemap.AbsoluteUri);
                }

                continue;
            }

            if (field == "user-agent")
            {
                // Consecutive user-agent lines share one group of rules.
                if (!lastWasAgent || current is null)
                {
                    current = new Group();
                    groups.Add(current);
                }

                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }

            lastWasAgent = false;
            if (current is null)
            {
                continue;
            }

            if (field is "allow" or "disallow" && value.Length > 0)
            {
                current.Rules.Add(new Rule(value, field == "allow"));
            }
            else if (field == "crawl-delay"
                     && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                     && seconds >= 0)
            {
                current.Delay = TimeSpan.FromSeconds(seconds);
            }
        }

        var token = userAgentToken.ToLowerInvariant();
        var specific = groups.Where(g => g.Agents.Any(a => a != "*" && token.Contains(a, StringComparison.Ordinal))).ToList();
        var chosen = specific.Count > 0 ? specific : groups.Where(g => g.Agents.Contains("*")).ToList();
        return chosen.Count == 0
            ? new RobotsRules([], null, sitemaps)
            : new RobotsRules(chosen.SelectMany(g => g.Rules).ToList(), chosen.Select(g => g.Delay).FirstOrDefault(d => d is not null), sitemaps);
    }

    public bool IsAllowed(Uri url)
    {
        var path = url.PathAndQuery;
        Rule? best = null;
        foreach (var rule in _rules)
        {
            if (!rule.Matches(path))
            {
                continue;
            }

            if (best is null || rule.Pattern.Length > best.Pattern.Length || (rule.Pattern.Length == best.Pattern.Length && rule.Allow))
            {
                best = rule;
            }
        }

        return best is null || best.Allow;
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];

        public List<Rule> Rules { get; } = [];

        public TimeSpan? Delay { get; set; }
    }

    private sealed record Rule(string Pattern, bool Allow)
    {
        public bool Matches(string path)
        {
            var anchored = Pattern.EndsWith('$');
            var pattern = anchored ? Pattern[..^1] : Pattern;
            return Match(pattern, 0, path, 0, anchored);
        }

        private static bool Match(string pattern, int pi, string path, int si, bool anchored)
        {
            while (pi < pattern.Length)
            {
                if (pattern[pi] == '*')
                {
                    for (var k = si; k <= path.Length; k++)
                    {
                        if (Match(pattern, pi + 1, path, k, anchored))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (si >= path.Length || pattern[pi] != path[si])
                {
                    return false;
                }

                pi++;
                si++;
            }

            return !anchored || si == path.Length;
        }
    }
}
