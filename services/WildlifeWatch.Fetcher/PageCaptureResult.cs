namespace WildlifeWatch.Fetcher;

/// <summary>
/// What the fetcher took of one page, in one rendering (or one plain HTTP fetch). <c>Exchanges</c> are the document's
/// (each redirect hop); <c>Subresources</c> what the page loaded besides, within the WARC budget.
/// </summary>
public sealed record PageCaptureResult(
    Uri RequestedUrl,
    Uri FinalUrl,
    int HttpStatus,
    DateTimeOffset StartedAt,
    DateTimeOffset CapturedAt,
    string Html,
    string VisibleText,
    byte[] ScreenshotPng,
    IReadOnlyList<string> Outlinks,
    string BrowserVersion,
    string UserAgent,
    int Attempts,
    string RenderMode = Fetcher.RenderMode.Browser,
    IReadOnlyList<HttpExchange>? Exchanges = null,
    IReadOnlyList<string>? Warnings = null,
    IReadOnlyList<HttpExchange>? Subresources = null,
    IReadOnlyDictionary<string, string>? AnchorTexts = null);
