using System.Collections.Concurrent;
using System.Diagnostics;
using WildlifeWatch.Hosting;

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
        using var spans = new EarlyCaptureSpans();
        var url = Site.Url("/late-text");

        var page = await Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.LatePhrase));
            Assert.That(page.Html, Does.Not.Contain(FixtureSite.EarlyPhrase));
            Assert.That(spans.For(url), Is.EqualTo(new[] { false }), "the early capture was taken and thrown away");
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
            Assert.That(spans.For(url), Is.EqualTo(new[] { false }));
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

    /// <summary>The early captures the loader reports (one span each), by page template.</summary>
    private sealed class EarlyCaptureSpans : IDisposable
    {
        private readonly ConcurrentQueue<(string? Template, bool Kept)> _seen = new();
        private readonly ActivityListener _listener;

        public EarlyCaptureSpans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == PipelineTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = a =>
                {
                    if (a.OperationName == "browser.early-capture")
                    {
                        _seen.Enqueue((a.GetTagItem("wtw.template") as string, a.GetTagItem("wtw.kept") is true));
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<bool> For(Uri url) =>
            _seen.Where(s => s.Template == SettleWindows.TemplateOf(url)).Select(s => s.Kept).ToList();

        public void Dispose() => _listener.Dispose();
    }
}
