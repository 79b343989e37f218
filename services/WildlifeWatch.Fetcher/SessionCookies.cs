using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The seed's session cookies as a <c>Cookie</c> header for one request: matched by domain (the host or a subdomain of
/// it) and path prefix, per RFC 6265 section 5.1.3 and 5.1.4, so a redirect or a sub-resource on another host never
/// receives them.
/// </summary>
public static class SessionCookies
{
    public static string? HeaderFor(Uri url, IReadOnlyList<SessionCookie>? cookies)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (cookies is null || cookies.Count == 0)
        {
            return null;
        }

        var host = url.IdnHost;
        var path = string.IsNullOrEmpty(url.AbsolutePath) ? "/" : url.AbsolutePath;
        var matching = cookies.Where(c => DomainMatches(host, c.Domain) && PathMatches(path, c.Path)).Select(c => c.Name + "=" + c.Value).ToList();
        return matching.Count == 0 ? null : string.Join("; ", matching);
    }

    /// <summary>Adds the matching cookies to <paramref name="headers"/>, after any the browser already sends.</summary>
    public static IEnumerable<KeyValuePair<string, string>> With(IEnumerable<KeyValuePair<string, string>> headers, Uri url, IReadOnlyList<SessionCookie>? cookies)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (HeaderFor(url, cookies) is not { } session)
        {
            return headers;
        }

        var list = headers.ToList();
        var existing = list.FindIndex(h => h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase));
        if (existing < 0)
        {
            list.Add(KeyValuePair.Create("Cookie", session));
        }
        else
        {
            list[existing] = KeyValuePair.Create(list[existing].Key, list[existing].Value + "; " + session);
        }

        return list;
    }

    private static bool DomainMatches(string host, string domain)
    {
        var d = domain.TrimStart('.');
        return host.Equals(d, StringComparison.OrdinalIgnoreCase)
            || (host.EndsWith("." + d, StringComparison.OrdinalIgnoreCase) && !System.Net.IPAddress.TryParse(host, out _));
    }

    private static bool PathMatches(string requestPath, string cookiePath)
    {
        var p = string.IsNullOrEmpty(cookiePath) ? "/" : cookiePath;
        return requestPath.Equals(p, StringComparison.Ordinal)
            || (requestPath.StartsWith(p, StringComparison.Ordinal) && (p.EndsWith('/') || requestPath[p.Length] == '/'));
    }
}
