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
}
