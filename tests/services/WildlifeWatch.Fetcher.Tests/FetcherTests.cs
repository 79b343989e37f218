using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>
/// The fetcher against a real Chromium and a loopback site. Without Chromium these tests fail with the
/// install instructions: a crawler that cannot render is not a passing crawler.
/// </summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class FetcherTests : BrowserTestBase
{
    [Test]
    public async Task Fetcher_captures_text_that_only_a_script_renders()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/js-listing"), publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        var text = Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.TextSha256))!);
        var html = Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.HtmlSha256))!);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(html, Does.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(captured.HttpStatus, Is.EqualTo(200));
            Assert.That(publisher.Of<FetchFailed>(), Is.Empty);
        });
    }

    [Test]
    public async Task FetcherStores_a_full_page_png_screenshot()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/js-listing"), publisher);

        var png = (await Store.GetArtifactAsync(publisher.Of<PageCaptured>().Single().ScreenshotSha256))!;
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Multiple(() =>
        {
            Assert.That(png.Take(8), Is.EqualTo(signature), "PNG signature");
            Assert.That(Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), Is.EqualTo(1280), "width is the viewport's");
        });
    }

    [Test]
    public async Task FetcherStores_artifacts_under_the_sha256_of_their_bytes_and_publishes_after_storing()
    {
        var (handler, publisher) = Handler();
        var request = Request("/js-listing");

        await handler.HandleAsync(request, publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        var capture = await Store.GetCaptureAsync(captured.CaptureId);
        Assert.That(capture, Is.Not.Null, "the capture is stored before it is announced");
        foreach (var sha in new[] { capture!.HtmlSha256, capture.TextSha256, capture.ScreenshotSha256, capture.ManifestSha256 })
        {
            var bytes = await Store.GetArtifactAsync(sha);
            Assert.That(bytes, Is.Not.Null, sha);
            Assert.That(Hashing.Sha256Hex(bytes!), Is.EqualTo(sha));
        }

        Assert.Multiple(() =>
        {
            Assert.That(captured.CaptureId, Is.EqualTo(CaptureHandler.CaptureIdFor(CrawlId, request.NormalizedUrl)));
            Assert.That(captured.CaptureId, Has.Length.EqualTo(32));
            Assert.That(captured.ManifestSha256, Is.EqualTo(capture.ManifestSha256));
            Assert.That(captured.CorrelationId, Is.EqualTo(request.CorrelationId));
            Assert.That(captured.SeedId, Is.EqualTo(request.SeedId));
            Assert.That(captured.Depth, Is.EqualTo(request.Depth));
            Assert.That(publisher.Messages.Select(m => m.GetType()), Is.EqualTo(new[] { typeof(PageCaptured), typeof(LinksDiscovered) }));
        });
    }

    [Test]
    public async Task Fetcher_writes_a_canonical_manifest_that_cites_every_artifact()
    {
        var (handler, publisher) = Handler();
        var request = Request("/js-listing");

        await handler.HandleAsync(request, publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        var manifestBytes = (await Store.GetArtifactAsync(captured.ManifestSha256))!;
        using var manifest = JsonDocument.Parse(manifestBytes);
        var root = manifest.RootElement;
        var artifacts = root.GetProperty("artifacts");
        Assert.Multiple(() =>
        {
            Assert.That(CanonicalJson.Serialize(ToPlain(root)), Is.EqualTo(manifestBytes), "sorted keys, no whitespace");
            Assert.That(Hashing.Sha256Hex(manifestBytes), Is.EqualTo(captured.ManifestSha256));
            Assert.That(root.GetProperty("captureId").GetString(), Is.EqualTo(captured.CaptureId));
            Assert.That(root.GetProperty("crawlId").GetString(), Is.EqualTo(CrawlId));
            Assert.That(root.GetProperty("url").GetString(), Is.EqualTo(request.Url));
            Assert.That(root.GetProperty("normalizedUrl").GetString(), Is.EqualTo(request.NormalizedUrl));
            Assert.That(root.GetProperty("finalUrl").GetString(), Is.EqualTo(captured.FinalUrl));
            Assert.That(root.GetProperty("httpStatus").GetInt32(), Is.EqualTo(200));
            Assert.That(root.GetProperty("userAgent").GetString(), Is.EqualTo(FetcherOptions.DefaultUserAgent));
            Assert.That(root.GetProperty("browserVersion").GetString(), Is.Not.Empty);
            Assert.That(root.GetProperty("startedAt").GetString(), Is.EqualTo(CaptureManifest.Timestamp(captured.StartedAt)));
            Assert.That(root.GetProperty("capturedAt").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
            Assert.That(artifacts.GetProperty("html").GetProperty("sha256").GetString(), Is.EqualTo(captured.HtmlSha256));
            Assert.That(artifacts.GetProperty("text").GetProperty("sha256").GetString(), Is.EqualTo(captured.TextSha256));
            Assert.That(artifacts.GetProperty("screenshot").GetProperty("sha256").GetString(), Is.EqualTo(captured.ScreenshotSha256));
            Assert.That(artifacts.GetProperty("screenshot").GetProperty("mediaType").GetString(), Is.EqualTo("image/png"));
            Assert.That(artifacts.GetProperty("html").GetProperty("mediaType").GetString(), Is.EqualTo("text/html; charset=utf-8"));
        });
        foreach (var (name, sha) in new[] { ("html", captured.HtmlSha256), ("text", captured.TextSha256), ("screenshot", captured.ScreenshotSha256) })
        {
            var size = artifacts.GetProperty(name).GetProperty("size").GetInt64();
            Assert.That(size, Is.EqualTo((await Store.GetArtifactAsync(sha))!.Length), name);
        }
    }

    [Test]
    public async Task Fetcher_reports_absolute_fragment_free_distinct_outlinks_in_document_order()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/js-listing"), publisher);

        var links = publisher.Of<LinksDiscovered>().Single();
        Assert.That(links.Links, Is.EqualTo(new[]
        {
            Site.Url("/seller/42").AbsoluteUri,
            Site.Url("/related?page=2").AbsoluteUri,
            "http://other.invalid/item",
            Site.Url("/js-listing").AbsoluteUri,
        }));
        Assert.Multiple(() =>
        {
            Assert.That(links.SourceNormalizedUrl, Is.EqualTo(Request("/js-listing").NormalizedUrl));
            Assert.That(links.Links, Has.All.Not.Contains("#"));
        });
    }

    [Test]
    public async Task Fetcher_retries_a_503_then_captures_honouring_retry_after()
    {
        var (handler, publisher) = Handler(o => o.RetryBaseDelayMs = 10);

        await handler.HandleAsync(Request("/flaky"), publisher);

        var times = Site.TimesOf("/flaky");
        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<FetchFailed>(), Is.Empty);
            Assert.That(publisher.Of<PageCaptured>().Single().HttpStatus, Is.EqualTo(200));
            Assert.That(Site.CountOf("/flaky"), Is.EqualTo(3));
        });
        // The back-off base is 10 ms: only the server's "Retry-After: 1" explains a one-second pause.
        Assert.That(times[1] - times[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)));
        Assert.That(times[2] - times[1], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)));
    }

    [Test]
    public async Task Fetcher_reports_a_404_as_failed_without_retrying()
    {
        var (handler, publisher) = Handler(o => o.RetryBaseDelayMs = 10);

        await handler.HandleAsync(Request("/missing"), publisher);

        var failed = publisher.Of<FetchFailed>().Single();
        Assert.Multiple(async () =>
        {
            Assert.That(failed.Reason, Does.Contain("404"));
            Assert.That(failed.NormalizedUrl, Is.EqualTo(Request("/missing").NormalizedUrl));
            Assert.That(publisher.Of<PageCaptured>(), Is.Empty);
            Assert.That(publisher.Of<LinksDiscovered>(), Is.Empty);
            Assert.That(Site.CountOf("/missing"), Is.EqualTo(1));
            Assert.That(await Store.GetCapturesAsync(CrawlId), Is.Empty);
        });
    }

    [Test]
    public async Task Fetcher_records_a_pdf_as_non_html_and_skips_it()
    {
        var (handler, publisher) = Handler(o => o.RetryBaseDelayMs = 10);

        await handler.HandleAsync(Request("/catalogue.pdf"), publisher);

        var failed = publisher.Of<FetchFailed>().Single();
        Assert.Multiple(async () =>
        {
            Assert.That(failed.Reason, Does.Contain("non-HTML").And.Contain("application/pdf"));
            Assert.That(publisher.Of<PageCaptured>(), Is.Empty);
            Assert.That(Site.CountOf("/catalogue.pdf"), Is.EqualTo(1));
            Assert.That(await Store.GetCapturesAsync(CrawlId), Is.Empty);
        });
    }

    [Test]
    public async Task Fetcher_records_the_final_url_of_a_redirect()
    {
        var (handler, publisher) = Handler();
        var request = Request("/redirect");

        await handler.HandleAsync(request, publisher);

        Assert.That(publisher.Of<FetchFailed>(), Is.Empty, () => publisher.Of<FetchFailed>()[0].Reason);
        var captured = publisher.Of<PageCaptured>().Single();
        var capture = (await Store.GetCaptureAsync(captured.CaptureId))!;
        Assert.Multiple(() =>
        {
            Assert.That(captured.Url, Is.EqualTo(request.Url));
            Assert.That(captured.FinalUrl, Is.EqualTo(Site.Url("/landing").AbsoluteUri));
            Assert.That(capture.FinalUrl, Is.EqualTo(captured.FinalUrl));
            Assert.That(captured.HttpStatus, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task Fetcher_handling_the_same_request_twice_fetches_once_and_announces_twice()
    {
        var (handler, publisher) = Handler();
        var request = Request("/plain/7");

        await handler.HandleAsync(request, publisher);
        await handler.HandleAsync(request, publisher);

        var captured = publisher.Of<PageCaptured>();
        var links = publisher.Of<LinksDiscovered>();
        Assert.Multiple(async () =>
        {
            Assert.That(Site.CountOf("/plain/7"), Is.EqualTo(1), "no second fetch");
            Assert.That(await Store.GetCapturesAsync(CrawlId), Has.Count.EqualTo(1));
            Assert.That(captured, Has.Count.EqualTo(2));
            Assert.That(captured[1], Is.EqualTo(captured[0]), "the re-announcement is the stored capture");
            Assert.That(links, Has.Count.EqualTo(2));
            Assert.That(links[1].Links, Is.EqualTo(links[0].Links));
        });
    }

    [Test]
    public async Task Fetcher_spaces_requests_to_one_host_by_the_politeness_delay()
    {
        const int delayMs = 600;
        var (handler, publisher) = Handler(o => o.PerHostMinDelayMs = delayMs);

        await Task.WhenAll(Enumerable.Range(1, 4).Select(n => handler.HandleAsync(Request($"/plain/{100 + n}"), publisher)));

        var times = Site.TimesOf("/plain/10");
        Assert.That(times, Has.Count.EqualTo(4));
        for (var i = 1; i < times.Count; i++)
        {
            // No slack: the delay runs from the previous response, which left after the previous request arrived.
            Assert.That(times[i] - times[i - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(delayMs)), $"gap before request {i + 1}");
        }

        Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task Fetcher_keeps_the_spacing_a_request_carries_from_the_seed_or_crawl_delay_in_both_render_modes(
        [Values(RenderMode.Browser, RenderMode.Http)] string mode)
    {
        // The configured floor is tiny; the host's own delay (robots.txt Crawl-delay or the seed's rate) rules.
        const int hostDelayMs = 500;
        var (handler, publisher) = Handler(o => o.PerHostMinDelayMs = 10);
        var prefix = mode == RenderMode.Browser ? "/plain/777" : "/plain/888";

        await Task.WhenAll(Enumerable.Range(1, 3).Select(n =>
            handler.HandleAsync(Request($"{prefix}{n}", renderMode: mode) with { HostDelayMs = hostDelayMs }, publisher)));

        var times = Site.TimesOf(prefix);
        Assert.That(times, Has.Count.EqualTo(3));
        for (var i = 1; i < times.Count; i++)
        {
            Assert.That(times[i] - times[i - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(hostDelayMs)), $"gap before request {i + 1}");
        }

        Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Fetcher_gives_up_on_a_refused_connection_after_max_attempts()
    {
        var (handler, publisher) = Handler(o =>
        {
            o.MaxAttempts = 2;
            o.RetryBaseDelayMs = 10;
        });
        var closedPort = FreeLoopbackPort();
        var url = $"http://127.0.0.1:{closedPort}/listing";

        await handler.HandleAsync(Request(url, absolute: true), publisher);

        var failed = publisher.Of<FetchFailed>().Single();
        Assert.That(failed.Reason, Does.Contain("2 attempt").And.Contain("ConnectionRefused"));
    }

    [Test]
    public async Task Fetcher_treats_a_navigation_timeout_as_transient()
    {
        var (handler, publisher) = Handler(o =>
        {
            o.MaxAttempts = 2;
            o.RetryBaseDelayMs = 10;
            o.NavigationTimeoutMs = 1000;
        });

        await handler.HandleAsync(Request("/hang"), publisher);

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<FetchFailed>().Single().Reason, Does.Contain("timed out").And.Contain("2 attempt"));
            Assert.That(Site.CountOf("/hang"), Is.EqualTo(2));
        });
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
