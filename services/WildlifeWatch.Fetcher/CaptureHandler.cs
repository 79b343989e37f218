using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Turns a <see cref="FetchRequested"/> into a stored, sealed capture and tells the pipeline about it.
/// Store first, announce after: a message that says "captured" always points at evidence that exists.
/// </summary>
public sealed class CaptureHandler
{
    public const string HtmlMediaType = "text/html; charset=utf-8";
    public const string TextMediaType = "text/plain; charset=utf-8";
    public const string ScreenshotMediaType = "image/png";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly IPipelineStore _store;
    private readonly IPageCapturer _capturer;
    private readonly TimeProvider _time;
    private readonly ILogger<CaptureHandler> _logger;

    // Requests for the same page in this process wait for each other: a re-announced request that arrives while
    // the first is being captured then finds the capture instead of loading the page a second time.
    private readonly KeyedGate _inFlight = new();

    public CaptureHandler(IPipelineStore store, IPageCapturer capturer, TimeProvider? time = null, ILogger<CaptureHandler>? logger = null)
    {
        _store = store;
        _capturer = capturer;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<CaptureHandler>.Instance;
    }

    /// <summary>Deterministic, so a redelivered request maps onto the capture it already produced.</summary>
    public static string CaptureIdFor(string crawlId, string normalizedUrl) =>
        Hashing.Sha256Hex(crawlId + "\n" + normalizedUrl)[..32];

    public async Task HandleAsync(FetchRequested request, IPublishEndpoint publisher, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(publisher);
        var captureId = CaptureIdFor(request.CrawlId, request.NormalizedUrl);
        using var gate = await _inFlight.EnterAsync(captureId, ct);

        var existing = await _store.GetCaptureAsync(captureId, ct);
        if (existing is not null)
        {
            _logger.LogInformation("Capture {CaptureId} of {Url} exists; announcing it again without refetching", captureId, request.Url);
            await AnnounceAsync(request, existing, await ReadOutlinksAsync(existing, ct), publisher, ct);
            return;
        }

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url))
        {
            await PublishFailureAsync(request, $"malformed URL '{request.Url}'", publisher, ct);
            return;
        }

        PageCaptureResult page;
        var fetch = PipelineTelemetry.MeasureFetch(request.Url);
        try
        {
            page = await _capturer.CaptureAsync(url, request.RenderMode, request.HostDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, request.Cookies, ct);
            fetch.Captured();
        }
        catch (FetchException ex)
        {
            fetch.Failed(ex.Message);
            _logger.LogInformation("Fetch of {Url} failed: {Reason}", request.Url, ex.Message);
            await PublishFailureAsync(request, ex.Message, publisher, ct, ex.Status);
            return;
        }
        finally
        {
            fetch.Dispose();
        }

        var capture = await PipelineTelemetry.StoreWriteAsync("capture", () => StoreAsync(request, captureId, page, ct));
        if (!await PipelineTelemetry.StoreWriteAsync("capture-row", () => _store.AddCaptureAsync(capture, ct)))
        {
            // A concurrent delivery of the same request stored its capture first; that one is the record.
            var winner = await _store.GetCaptureAsync(captureId, ct)
                ?? throw new InvalidOperationException($"Capture {captureId} was reported as a duplicate but cannot be read back.");
            await AnnounceAsync(request, winner, await ReadOutlinksAsync(winner, ct), publisher, ct);
            return;
        }

        _logger.LogInformation("Captured {Url} as {CaptureId} (HTTP {Status}, {Links} links, {Attempts} attempt(s))",
            request.Url, captureId, page.HttpStatus, page.Outlinks.Count, page.Attempts);
        await AnnounceAsync(request, capture, page.Outlinks, publisher, ct, page.AnchorTexts);
    }

    private async Task<Capture> StoreAsync(FetchRequested request, string captureId, PageCaptureResult page, CancellationToken ct)
    {
        var html = Utf8.GetBytes(page.Html);
        var text = Utf8.GetBytes(page.VisibleText);
        var htmlSha = await _store.PutArtifactAsync(html, HtmlMediaType, ct);
        var textSha = await _store.PutArtifactAsync(text, TextMediaType, ct);
        var shotSha = await _store.PutArtifactAsync(page.ScreenshotPng, ScreenshotMediaType, ct);
        var warc = CaptureWarc.Write(request.CrawlId, captureId, page, html, text, htmlSha, textSha, shotSha);
        var warcSha = await _store.PutArtifactAsync(warc, WarcWriter.MediaType, ct);

        var manifest = new CaptureManifest(
            captureId, request.CrawlId, request.Url, request.NormalizedUrl, page.FinalUrl.AbsoluteUri, page.HttpStatus,
            page.StartedAt, page.CapturedAt, page.UserAgent, page.BrowserVersion,
            new ManifestArtifact(htmlSha, html.Length, HtmlMediaType),
            new ManifestArtifact(textSha, text.Length, TextMediaType),
            new ManifestArtifact(shotSha, page.ScreenshotPng.Length, ScreenshotMediaType),
            page.Outlinks,
            new ManifestArtifact(warcSha, warc.Length, WarcWriter.MediaType),
            page.RenderMode,
            page.Warnings ?? []);
        var manifestSha = await _store.PutArtifactAsync(manifest.ToCanonicalJson(), CaptureManifest.MediaType, ct);

        return new Capture(
            captureId, request.CrawlId, request.SeedId, request.Url, request.NormalizedUrl, page.FinalUrl.AbsoluteUri,
            page.HttpStatus, request.Depth, page.StartedAt, page.CapturedAt, htmlSha, textSha, shotSha, manifestSha);
    }

    private async Task<IReadOnlyList<string>> ReadOutlinksAsync(Capture capture, CancellationToken ct)
    {
        var manifest = await _store.GetArtifactAsync(capture.ManifestSha256, ct)
            ?? throw new InvalidOperationException($"Manifest {capture.ManifestSha256} of capture {capture.Id} is missing from the store.");
        return CaptureManifest.ReadOutlinks(manifest);
    }

    private static async Task AnnounceAsync(
        FetchRequested request, Capture capture, IReadOnlyList<string> outlinks, IPublishEndpoint publisher, CancellationToken ct,
        IReadOnlyDictionary<string, string>? anchorTexts = null)
    {
        await publisher.Publish(new PageCaptured(
            request.CorrelationId, request.CrawlId, request.SeedId, capture.Id, capture.Url, capture.NormalizedUrl, capture.FinalUrl,
            capture.HttpStatus, capture.Depth, capture.StartedAt, capture.CapturedAt,
            capture.HtmlSha256, capture.TextSha256, capture.ScreenshotSha256, capture.ManifestSha256), ct);

        // Sent even when empty: the scheduler closes the page's frontier entry on it.
        await publisher.Publish(new LinksDiscovered(
            request.CorrelationId, request.CrawlId, request.SeedId, request.NormalizedUrl, request.Depth, outlinks,
            anchorTexts is { Count: > 0 } ? anchorTexts : null), ct);
    }

    private Task PublishFailureAsync(FetchRequested request, string reason, IPublishEndpoint publisher, CancellationToken ct, int? status = null) =>
        publisher.Publish(new FetchFailed(
            request.CorrelationId, request.CrawlId, request.SeedId, request.Url, request.NormalizedUrl, reason, _time.GetUtcNow(), status), ct);
}
