using System.Text;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Turns the many spellings of one page into one key, so the frontier never admits the same page twice
/// in a crawl: scheme and host lower-cased, default ports and fragments dropped, dot segments resolved,
/// query parameters sorted and tracking parameters removed.
/// </summary>
public sealed class UrlNormalizer
{
    private static readonly string[] DefaultTrackingPrefixes = ["utm_"];

    private static readonly HashSet<string> DefaultTrackingNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id", "mc_cid", "mc_eid",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "igshid", "ref_src", "spm",
    };

    private readonly string[] _trackingPrefixes;
    private readonly HashSet<string> _trackingNames;

    public UrlNormalizer(IEnumerable<string>? extraTrackingParameters = null, IEnumerable<string>? extraTrackingPrefixes = null)
    {
        _trackingPrefixes = [.. DefaultTrackingPrefixes, .. (extraTrackingPrefixes ?? []).Where(p => p.Length > 0)];
        _trackingNames = new HashSet<string>(DefaultTrackingNames, StringComparer.OrdinalIgnoreCase);
        foreach (var name in extraTrackingParameters ?? [])
        {
            _trackingNames.Add(name);
        }
    }

    /// <summary>Resolves <paramref name="url"/> against <paramref name="baseUrl"/> and normalizes it; null when it is not a crawlable http(s) URL.</summary>
    public Uri? Normalize(string url, Uri? baseUrl = null)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var trimmed = url.Trim();
        Uri? uri;
        if (baseUrl is null)
        {
            Uri.TryCreate(trimmed, UriKind.Absolute, out uri);
        }
        else
        {
            Uri.TryCreate(baseUrl, trimmed, out uri);
        }

        if (uri is null || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var builder = new UriBuilder(uri)
        {
            Scheme = uri.Scheme.ToLowerInvariant(),
            Host = uri.IdnHost.ToLowerInvariant().TrimEnd('.'),
            Fragment = string.Empty,
            UserName = string.Empty,
            Password = string.Empty,
            Port = uri.IsDefaultPort ? -1 : uri.Port,
            Path = string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath,
            Query = NormalizeQuery(uri.Query),
        };
        return builder.Uri;
    }

    /// <summary>The normalized form as the frontier key.</summary>
    public string? Key(string url, Uri? baseUrl = null) => Normalize(url, baseUrl)?.AbsoluteUri;

    private string NormalizeQuery(string query)
    {
        if (query.Length <= 1)
        {
            return string.Empty;
        }

        var pairs = query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                return eq < 0 ? (Name: p, Value: (string?)null) : (Name: p[..eq], Value: p[(eq + 1)..]);
            })
            .Where(p => !IsTracking(Uri.UnescapeDataString(p.Name)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .ToList();
        if (pairs.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(name);
            if (value is not null)
            {
                sb.Append('=').Append(value);
            }
        }

        return sb.ToString();
    }

    private bool IsTracking(string name) =>
        _trackingNames.Contains(name) || _trackingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
