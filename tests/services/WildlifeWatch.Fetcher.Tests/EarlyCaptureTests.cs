using SkiaSharp;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The DOM and screenshot taken while the quiet is waited for, in a real Chromium: kept only if the page stood still.</summary>
public sealed class EarlyCaptureTests : BrowserTestBase
{
    [Test]
    public async Task A_page_quiet_after_load_keeps_the_capture_taken_while_waiting()
    {
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/anchors");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(spans.For(url), Is.EqualTo(new[] { true }));
            Assert.That(page.VisibleText, Does.Contain("Category"));
            Assert.That(ResponseChecks.ImageSize(page.ScreenshotPng), Is.Not.Null, "the kept screenshot is a PNG");
        });
    }

    [Test]
    public async Task A_page_that_changes_its_DOM_after_load_without_a_request_is_captured_as_changed()
    {
        // The change comes 400 ms after load, well inside the 1 s window and well after the early capture began.
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/late-text");

        var page = await Loader(LongWindow()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.LatePhrase));
            Assert.That(Pixel(page.ScreenshotPng), Is.EqualTo((0, 255, 0)), "the screenshot shows the page after the change");
            Assert.That(spans.For(url), Does.Not.Contain(true), "no early capture kept");
        });
    }

    [Test]
    public async Task A_page_fading_in_is_not_shot_before_the_fade_ends()
    {
        // Its DOM never changes: only the running animation says the early screenshot shows a passing state.
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/fade-in");

        var page = await Loader(LongWindow()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Pixel(page.ScreenshotPng), Is.EqualTo((0, 255, 0)), "fully faded in");
            Assert.That(spans.For(url), Does.Not.Contain(true), "no early capture kept");
        });
    }

    [Test]
    public async Task A_page_that_fetches_after_load_is_captured_with_what_it_fetched()
    {
        // The fixture's script fetches its listing 120 ms after load: a request after the early capture began.
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/js-listing");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(spans.For(url), Does.Not.Contain(true), "no early capture kept");
        });
    }

    [Test]
    public async Task A_page_still_fetching_at_load_keeps_a_capture_begun_once_the_fetch_ended()
    {
        // Its script asks for the listing on load and the answer takes 150 ms: at load a request is open, so the
        // capture can only be begun after it, within the 200 ms window that follows.
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/js-listing-slow");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(spans.For(url), Is.EqualTo(new[] { true }), "one early capture, begun after the fetch and kept");
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(page.Html, Does.Not.Contain("Loading..."));
        });
    }

    [Test]
    public async Task A_template_whose_pages_keep_changing_stops_capturing_early()
    {
        using var spans = new EarlyCaptureSpans();
        var options = BaseOptions();
        options.NetworkQuietRecheckPages = 100;
        var loader = Loader(options);
        var url = Site.Url("/ticking");

        for (var visit = 1; visit <= EarlyCaptures.DiscardsBeforePause + 2; visit++)
        {
            var page = await loader.LoadAsync(url, null, null, CancellationToken.None);
            Assert.That(page.VisibleText, Does.Contain("Live auction"), $"visit {visit}");
        }

        Assert.That(spans.For(url), Is.EqualTo(Enumerable.Repeat(false, EarlyCaptures.DiscardsBeforePause)));
    }

    [Test]
    public async Task With_early_capture_off_nothing_is_taken_before_the_quiet()
    {
        using var spans = new EarlyCaptureSpans();
        var options = BaseOptions();
        options.CaptureEarly = false;
        var url = Site.Url("/anchors");

        var page = await Loader(options).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(spans.For(url), Is.Empty);
            Assert.That(page.VisibleText, Does.Contain("Category"));
        });
    }

    [Test]
    public async Task A_page_quiet_since_its_early_frame_is_settled_without_waiting_for_another()
    {
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/anchors");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(spans.FramesWaited(url), Is.EqualTo(new[] { false }));
            Assert.That(page.VisibleText, Does.Contain("Category"));
        });
    }

    [Test]
    public async Task A_page_that_fetches_after_its_early_frame_is_settled_on_a_frame_after_that_fetch()
    {
        // The fixture's script fetches 120 ms after load, after the early frame: that frame no longer follows the last
        // request, so one after it is waited for.
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/js-listing");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(spans.FramesWaited(url), Is.EqualTo(new[] { true }));
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase));
        });
    }

    [Test]
    public async Task Without_early_capture_a_frame_after_the_quiet_is_waited_for()
    {
        using var spans = new EarlyCaptureSpans();
        var options = BaseOptions();
        options.CaptureEarly = false;
        var url = Site.Url("/anchors");

        await Loader(options).LoadAsync(url, null, null, CancellationToken.None);

        Assert.That(spans.FramesWaited(url), Is.EqualTo(new[] { true }));
    }

    private static FetcherOptions LongWindow()
    {
        var options = BaseOptions();
        options.NetworkQuietMs = 1000;
        return options;
    }

    /// <summary>The colour of a pixel near the top left of a PNG, as (red, green, blue).</summary>
    private static (int, int, int) Pixel(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new AssertionException("the screenshot is not an image");
        var colour = bitmap.GetPixel(5, 5);
        return (colour.Red, colour.Green, colour.Blue);
    }

    /// <summary>
    /// The early captures the loader reports (one span each, kept or not), and whether each settle waited for a frame
    /// of its own, by page template.
    /// </summary>
    private sealed class EarlyCaptureSpans : IDisposable
    {
        private readonly RecordedSpans _spans = new();

        public IReadOnlyList<bool> For(Uri url) =>
            [.. _spans.Named("browser.early-capture", url).Select(a => a.GetTagItem("wtw.kept") is true)];

        public IReadOnlyList<bool?> FramesWaited(Uri url) =>
            [.. _spans.Named("browser.network-quiet", url).Select(a => a.GetTagItem("wtw.frame-waited") as bool?)];

        public void Dispose() => _spans.Dispose();
    }
}
