using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The WARC/1.1 evidence of one capture: warcinfo; a request and a response record for every HTTP exchange of the
/// page document (each redirect hop included) and of every sub-resource the page loaded within the budget, each response
/// as received; resource records for the screenshot
/// and the rendered DOM; a metadata record naming the SHA-256 of every artifact the manifest cites.
/// </summary>
public static class CaptureWarc
{
    public static byte[] Write(string crawlId, string captureId, PageCaptureResult page, byte[] html, byte[] text, string htmlSha, string textSha, string shotSha)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(text);
        using var warc = new WarcWriter();
        var target = page.FinalUrl.AbsoluteUri;
        warc.Add("warcinfo", page.StartedAt, null, "application/warc-fields", Fields(
            ("software", "WildlifeTradeWatch fetcher"),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
            ("http-header-user-agent", page.UserAgent),
            ("browser", page.BrowserVersion),
            ("render-mode", page.RenderMode),
            ("crawl-id", crawlId),
            ("capture-id", captureId)),
            ("WARC-Filename", $"{captureId}.warc.gz"));

        foreach (var exchange in (page.Exchanges ?? []).Concat(page.Subresources ?? []))
        {
            warc.AddExchange(exchange);
        }

        if (page.ScreenshotPng.Length > 0)
        {
            warc.Add("resource", page.CapturedAt, $"urn:wtw:screenshot:{target}", CaptureHandler.ScreenshotMediaType, page.ScreenshotPng);
        }

        warc.Add("resource", page.CapturedAt, $"urn:wtw:rendered-dom:{target}", CaptureHandler.HtmlMediaType, html);
        var metadata = new List<(string, string)>
        {
            ("capture-id", captureId),
            ("html-sha256", htmlSha),
            ("text-sha256", textSha),
            ("text-size", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("screenshot-sha256", shotSha),
            ("http-status", page.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        metadata.AddRange((page.Warnings ?? []).Select(w => ("warning", w)));
        warc.Add("metadata", page.CapturedAt, target, "application/warc-fields", Fields([.. metadata]));
        return warc.ToArray();
    }

    private static byte[] Fields(params (string Name, string Value)[] fields)
    {
        var b = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            // One line per field: a value with a line break would start a field of its own.
            b.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(b.ToString());
    }
}
