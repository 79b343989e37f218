using SkiaSharp;

namespace WildlifeWatch.Fetcher.Tests;

public sealed class ScreenshotTests : BrowserTestBase
{
    private async Task<PageCaptureResult> CaptureAsync(string path, int maxSize)
    {
        var options = BaseOptions();
        options.MaxScreenshotSize = maxSize;
        return await Loader(options).LoadAsync(Site.Url(path), null, null, CancellationToken.None);
    }

    [Test]
    public async Task The_screenshot_is_the_whole_page_not_the_viewport()
    {
        var page = await CaptureAsync("/tall", maxSize: 16_384);

        var (width, height) = ResponseChecks.ImageSize(page.ScreenshotPng) ?? throw new AssertionException("not a PNG");
        Assert.Multiple(() =>
        {
            Assert.That(width, Is.EqualTo(BaseOptions().ViewportWidth));
            Assert.That(height, Is.GreaterThanOrEqualTo(3000), "the page is 3,000 px tall; the viewport 900");
            Assert.That(page.Warnings, Has.None.Contains("screenshot cut"));
        });
    }

    [Test]
    public async Task A_page_that_fits_the_viewport_is_shot_without_laying_it_out_again_and_shows_all_of_it()
    {
        using var spans = new RecordedSpans();
        var page = await CaptureAsync("/corners", maxSize: 16_384);

        using var bitmap = SKBitmap.Decode(page.ScreenshotPng) ?? throw new AssertionException("not an image");
        Assert.Multiple(() =>
        {
            Assert.That(BeyondViewport(spans), Has.Count.GreaterThan(0).And.All.False, "taken in the viewport");
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((BaseOptions().ViewportWidth, BaseOptions().ViewportHeight)));
            // The fixture paints its last row and column blue: the image reaches the page's edges.
            Assert.That(Rgb(bitmap.GetPixel(bitmap.Width - 1, bitmap.Height - 1)), Is.EqualTo((0, 0, 255)));
            Assert.That(Rgb(bitmap.GetPixel(0, 0)), Is.EqualTo((255, 255, 255)));
        });
    }

    [Test]
    public async Task A_page_taller_than_the_viewport_is_shot_beyond_it_down_to_its_last_row()
    {
        using var spans = new RecordedSpans();
        var page = await CaptureAsync("/tall", maxSize: 16_384);

        using var bitmap = SKBitmap.Decode(page.ScreenshotPng) ?? throw new AssertionException("not an image");
        Assert.Multiple(() =>
        {
            Assert.That(BeyondViewport(spans), Has.Count.GreaterThan(0).And.All.True);
            Assert.That(Rgb(bitmap.GetPixel(10, 2990)), Is.EqualTo((0xcc, 0x33, 0x33)), "the red block's bottom, 2,090 px below the viewport");
        });
    }

    [Test]
    public async Task A_page_taller_than_the_bound_is_cut_there_and_says_so()
    {
        var page = await CaptureAsync("/tall", maxSize: 1_000);

        var (_, height) = ResponseChecks.ImageSize(page.ScreenshotPng) ?? throw new AssertionException("not a PNG");
        Assert.Multiple(() =>
        {
            Assert.That(height, Is.EqualTo(1000));
            Assert.That(page.Warnings, Has.Some.Contains("screenshot cut to 1000 px"));
        });
    }

    private static (int, int, int) Rgb(SKColor colour) => (colour.Red, colour.Green, colour.Blue);

    /// <summary>Whether each screenshot the loader took went beyond the viewport (its span's tag).</summary>
    private static List<bool?> BeyondViewport(RecordedSpans spans) =>
        [.. spans.Named("browser.screenshot").Select(a => a.GetTagItem("wtw.beyond-viewport") as bool?)];
}
