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

    // Common shapes of a listing's URL on marketplaces and classifieds, in several languages.
    private static readonly Regex[] DefaultListingShapes =
    [
        new(@"/(item|items|listing|listings|product|products|p|ad|ads|offer|offers|annonce|annonces|anuncio|anuncios|artikel|angebot|inzerat|lot|dp|itm|goods|detail|details|sp|san-pham|produk|iklan)/[^/]+",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout),
        new(@"[?&](item|itemid|item_id|listing|listing_id|product|product_id|pid|ad|ad_id|offer|id)=[^&]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout),
        new(@"(-|_|/)(i|item|p|ad)?\d{5,}(\.html?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout),
    ];

    private readonly Regex[] _listing;

    public CrawlScope(Seed seed, UrlNormalizer normalizer, IReadOnlyDictionary<string, List<string>>? sharedKeywords = null)
    {
        Seed = seed;
        StartUrls = seed.ExpandStartUrls(sharedKeywords);
        _listing = seed.ListingPatterns.Count > 0
            ? seed.ListingPatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout)).ToArray()
            : DefaultListingShapes;
        var hosts = seed.AllowedHosts.Count > 0
            ? seed.AllowedHosts
            : StartUrls.Select(u => normalizer.Normalize(u)).OfType<Uri>().Select(Authority);
        _hosts = new HashSet<string>(hosts.Select(h => h.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        _include = seed.IncludePatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout)).ToArray();
        _exclude = seed.ExcludePatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout)).ToArray();
    }

    public Seed Seed { get; }

    /// <summary>The seed's start URLs and its search templates expanded over the keywords.</summary>
    public IReadOnlyList<string> StartUrls { get; }

    /// <summary>True when the URL has the shape of a listing page (the seed's listing patterns, else common shapes).</summary>
    public bool IsListing(Uri normalized) => _listing.Any(r => r.IsMatch(normalized.PathAndQuery));

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
