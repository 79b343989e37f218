using System.Net;
using System.Text.RegularExpressions;

namespace WildlifeWatch.Extractor;

internal static partial class TextClean
{
    /// <summary>Entities decoded, whitespace collapsed, trimmed; empty becomes null.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // Decoded once only: text that says "&lt;" on purpose must keep saying it.
        var decoded = WebUtility.HtmlDecode(text);
        var collapsed = Whitespace().Replace(decoded, " ").Trim();
        return collapsed.Length == 0 ? null : collapsed;
    }

    /// <summary>For text already decoded by the HTML parser (DOM text and attributes): collapse only.</summary>
    public static string? Collapse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length == 0 ? null : collapsed;
    }

    /// <summary>Absolute http(s) URL resolved against the page, or null.</summary>
    public static string? AbsoluteUrl(Uri baseUri, string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !Uri.TryCreate(baseUri, trimmed, out var uri))
        {
            return null;
        }

        return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps ? uri.AbsoluteUri : null;
    }

    public static IReadOnlyList<string> DistinctUrls(Uri baseUri, IEnumerable<string?> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var value in values)
        {
            if (AbsoluteUrl(baseUri, value) is { } url && seen.Add(url))
            {
                result.Add(url);
            }
        }

        return result;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
