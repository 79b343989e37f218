namespace WildlifeWatch.Fetcher;

/// <summary>
/// What a request a page made is for, in Playwright's resource-type names, so <see cref="FetcherOptions.BlockedResourceTypes"/>
/// reads the same whoever carries the request. Chromium says it in its Fetch Metadata (<c>Sec-Fetch-Dest</c>), which
/// it sends to HTTPS and loopback origins; for plain HTTP elsewhere the Accept header and the file's extension say it.
/// </summary>
public static class RequestKinds
{
    private static readonly string[] FontExtensions = [".woff", ".woff2", ".ttf", ".otf", ".eot"];
    private static readonly string[] MediaExtensions = [".mp4", ".webm", ".mp3", ".ogg", ".oga", ".wav", ".m4a", ".mov", ".vtt"];
    private static readonly string[] ScriptExtensions = [".js", ".mjs"];

    public static string Of(ProxiedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Header("sec-fetch-dest")?.Trim().ToLowerInvariant())
        {
            case "document" or "iframe" or "frame" or "embed" or "object":
                return "document";
            case "style":
                return "stylesheet";
            case "script" or "worker" or "sharedworker" or "serviceworker" or "audioworklet" or "paintworklet":
                return "script";
            case "image":
                return "image";
            case "font":
                return "font";
            case "audio" or "video" or "track":
                return "media";
            case "manifest":
                return "manifest";
            case "empty":
                return "fetch";
            case null or "":
                break;
            default:
                return "other";
        }

        var accept = request.Header("accept") ?? string.Empty;
        var path = request.Url.AbsolutePath;
        return accept switch
        {
            _ when accept.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) => "document",
            _ when accept.StartsWith("image/", StringComparison.OrdinalIgnoreCase) => "image",
            _ when accept.StartsWith("text/css", StringComparison.OrdinalIgnoreCase) => "stylesheet",
            _ when EndsWithAny(path, FontExtensions) => "font",
            _ when EndsWithAny(path, MediaExtensions) => "media",
            _ when EndsWithAny(path, ScriptExtensions) => "script",
            // What fetch() and XMLHttpRequest send unless the script says otherwise.
            _ when accept.Length == 0 || accept.StartsWith("*/*", StringComparison.Ordinal) || accept.Contains("json", StringComparison.OrdinalIgnoreCase) => "fetch",
            _ => "other",
        };
    }

    /// <summary>
    /// Whether <paramref name="request"/> is a page's top-level document (a hop of it, or where a script navigated):
    /// the browser's Fetch Metadata says so where it sends it; elsewhere the request must be for a document at the
    /// address the navigation is expected at (<paramref name="expected"/>: its target, or where a redirect sent it).
    /// </summary>
    public static bool IsTopDocument(ProxiedRequest request, string kind, Uri? expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Header("sec-fetch-dest") is { } dest)
        {
            return dest.Trim().Equals("document", StringComparison.OrdinalIgnoreCase);
        }

        return kind == "document" && expected is not null && Key(expected) == Key(request.Url);
    }

    // Fragment dropped (never sent), host in its ASCII form (as the browser sends it), path and query escaped.
    private static string Key(Uri url) => $"{url.Scheme}://{url.IdnHost}:{url.Port}{url.PathAndQuery}".ToUpperInvariant();

    private static bool EndsWithAny(string path, string[] extensions) =>
        extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
