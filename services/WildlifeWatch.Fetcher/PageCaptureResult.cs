namespace WildlifeWatch.Fetcher;

/// <summary>What the browser saw of one page, taken in one rendering.</summary>
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
    int Attempts);
