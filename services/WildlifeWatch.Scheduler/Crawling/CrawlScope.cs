using System.Text.RegularExpressions;
using WildlifeWatch.Scheduler.Seeds;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>What one seed allows: its hosts, its include and exclude patterns, its depth.</summary>
public sealed class CrawlScope
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private readonly HashSet<string> _hosts;
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public CrawlScope(Seed seed, UrlNormalizer normalizer)
    {
        Seed = seed;
        var hosts = seed.AllowedHosts.Count > 0
            ? seed.AllowedHosts
            : seed.StartUrls.Select(u => normalizer.Normalize(u)).OfType<Uri>().Select(Authority);
        _hosts = new HashSet<string>(hosts.Select(h => h.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        _include = seed.IncludePatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout)).ToArray();
        _exclude = seed.ExcludePatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout)).ToArray();
    }

    public Seed Seed { get; }

    public bool AllowsDepth(int depth) => depth >= 0 && depth <= Seed.MaxDepth;

    /// <summary>True when the normalized URL is on an allowed host and passes the patterns.</summary>
    public bool Allows(Uri normalized)
    {
        if (!_hosts.Contains(Authority(normalized)) && !_hosts.Contains(normalized.Host))
        {
            return false;
        }

        var pathAndQuery = normalized.PathAndQuery;
        if (_exclude.Any(r => r.IsMatch(pathAndQuery)))
        {
            return false;
        }

        return _include.Length == 0 || _include.Any(r => r.IsMatch(pathAndQuery));
    }

    private static string Authority(Uri uri) => uri.IsDefaultPort ? uri.Host.ToLowerInvariant() : $"{uri.Host.ToLowerInvariant()}:{uri.Port}";
}
