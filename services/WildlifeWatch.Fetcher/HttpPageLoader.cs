using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Fetches a page without a browser: the HTML as served, its text and links as a parser sees them, no screenshot.
/// Redirects are followed here, each hop through the SSRF guard and counted against <see cref="FetcherOptions.MaxRedirects"/>.
/// </summary>
public sealed class HttpPageLoader(GuardedHttpClient http, HostPoliteness politeness, IOptions<FetcherOptions> options, TimeProvider? time = null)
{
    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "DIV", "LI", "TR", "H1", "H2", "H3", "H4", "H5", "H6", "SECTION", "ARTICLE", "HEADER", "FOOTER", "MAIN", "NAV", "UL", "OL", "TABLE", "BR", "DT", "DD", "FORM", "ASIDE", "BLOCKQUOTE", "PRE", "FIGURE", "FIGCAPTION", "ADDRESS",
    };

    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase) { "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD", "svg" };

    // What a browser sends for a page load, so a site answers as it would to a visitor.
    private static readonly KeyValuePair<string, string>[] DocumentHeaders =
    [
        KeyValuePair.Create("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
        KeyValuePair.Create("Sec-Fetch-Mode", "navigate"),
        KeyValuePair.Create("Sec-Fetch-Dest", "document"),
    ];

    private readonly FetcherOptions _options = options.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A page fetched plainly, with its parsed document for <c>auto</c> to judge.</summary>
    public sealed record Loaded(PageCaptureResult Result, IDocument Document);

    public async Task<Loaded> LoadAsync(Uri url, TimeSpan? hostDelay, IReadOnlyList<SessionCookie>? cookies, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var exchanges = new List<HttpExchange>();
        var current = url;
        var startedAt = Clock.Now(_time);
        await using (var turn = await politeness.WaitTurnAsync(url, hostDelay, ct))
        {
            while (true)
            {
                var exchange = await http.SendAsync(current, headers: SessionCookies.With(DocumentHeaders, current, cookies), answered: turn.Answered, ct: ct);
                exchanges.Add(exchange);
                if (!exchange.IsRedirect)
                {
                    ResponseChecks.CheckDocument(exchange, _time.GetUtcNow());
                    break;
                }

                if (exchanges.Count > _options.MaxRedirects)
                {
                    throw new HostilePageException($"more than {_options.MaxRedirects} redirects (a redirect loop?), the last to {exchange.Header("location")}");
                }

                current = Uri.TryCreate(current, exchange.Header("location"), out var next)
                    ? next
                    : throw new PermanentFetchException($"a redirect to a malformed address '{exchange.Header("location")}'");
            }
        }

        var document = exchanges[^1];
        var (html, note) = ResponseChecks.Decode(document.Content, document.ContentType);
        var parsed = await new HtmlParser().ParseDocumentAsync(html, ct);
        var baseUri = Uri.TryCreate(current, parsed.QuerySelector("base[href]")?.GetAttribute("href"), out var b) ? b : current;
        var (links, anchorTexts) = PageCapturer.NormalizeOutlinks(parsed.QuerySelectorAll("a[href]")
            .Select(a => (Href: Uri.TryCreate(baseUri, a.GetAttribute("href")!.Trim(), out var link) ? link.AbsoluteUri : null, Text: (string?)a.TextContent))
            .Where(a => a.Href is not null)
            .Select(a => (a.Href!, a.Text)));
        var text = VisibleText(parsed);
        var result = new PageCaptureResult(
            url, current, document.Status, startedAt, Clock.Now(_time), html, text, [], links,
            "none", _options.UserAgent, 1, RenderMode.Http, exchanges, note is null ? [] : [note], AnchorTexts: anchorTexts);
        return new Loaded(result, parsed);
    }

    /// <summary>An approximation of innerText: no scripts or styles, a line break after each block element.</summary>
    internal static string VisibleText(IDocument document)
    {
        var builder = new StringBuilder();
        void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IText textNode)
                {
                    builder.Append(System.Text.RegularExpressions.Regex.Replace(textNode.Data, @"\s+", " "));
                }
                else if (child is IElement element && !Invisible.Contains(element.TagName) && element.GetAttribute("hidden") is null)
                {
                    Walk(element);
                    if (BlockElements.Contains(element.TagName))
                    {
                        builder.Append('\n');
                    }
                }
            }
        }

        if (document.Body is { } body)
        {
            Walk(body);
        }

        var lines = builder.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return string.Join('\n', lines);
    }
}

/// <summary>Time as the capture records it.</summary>
internal static class Clock
{
    // Milliseconds are what the manifest records; truncating here keeps manifest and store identical.
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
