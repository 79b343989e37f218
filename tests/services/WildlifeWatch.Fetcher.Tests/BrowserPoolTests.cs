using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The pool of browser contexts: reuse per host, recycling, blocked resource types.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class BrowserPoolTests : BrowserTestBase
{
    [Test]
    public async Task A_host_context_serves_pages_until_the_page_limit_then_is_replaced()
    {
        var options = BaseOptions();
        options.ContextMaxPages = 2;
        await using var browser = new BrowserSession(Options.Create(options));
        var handler = new CaptureHandler(Store, Capturer(browser, Store, options));
        var publisher = new RecordingPublishEndpoint();

        for (var i = 0; i < 5; i++)
        {
            await handler.HandleAsync(Request($"/plain/{300 + i}", renderMode: RenderMode.Browser), publisher);
        }

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(5));
            Assert.That(browser.ContextsCreated, Is.EqualTo(3), "pages 1-2, 3-4 and 5");
        });
    }

    [Test]
    public async Task A_failed_page_does_not_leave_its_context_for_the_next_page()
    {
        var options = BaseOptions();
        options.MaxAttempts = 1;
        await using var browser = new BrowserSession(Options.Create(options));
        var handler = new CaptureHandler(Store, Capturer(browser, Store, options));
        var publisher = new RecordingPublishEndpoint();

        await handler.HandleAsync(Request("/plain/310", renderMode: RenderMode.Browser), publisher);
        await handler.HandleAsync(Request("/missing", renderMode: RenderMode.Browser), publisher);
        await handler.HandleAsync(Request("/plain/311", renderMode: RenderMode.Browser), publisher);

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(2));
            Assert.That(browser.ContextsCreated, Is.EqualTo(2), "the context that saw the failure was closed");
        });
    }

    [Test]
    public async Task Fonts_and_media_are_blocked_while_listing_images_load()
    {
        var (handler, publisher) = Handler();
        var (images, fonts, media) = (Site.CountOf("/small.png"), Site.CountOf("/font.woff2"), Site.CountOf("/clip.mp4"));

        await handler.HandleAsync(Request("/media-page", renderMode: RenderMode.Browser), publisher);

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(1));
            Assert.That(Site.CountOf("/small.png") - images, Is.EqualTo(1), "images are kept");
            Assert.That(Site.CountOf("/font.woff2") - fonts, Is.Zero, "fonts are blocked");
            Assert.That(Site.CountOf("/clip.mp4") - media, Is.Zero, "media is blocked");
        });
    }

    [Test]
    public async Task Blocked_types_are_configurable()
    {
        var (handler, publisher) = Handler(o => o.BlockedResourceTypes = "media");
        var (fonts, media) = (Site.CountOf("/font.woff2"), Site.CountOf("/clip.mp4"));

        await handler.HandleAsync(Request("/media-page", renderMode: RenderMode.Browser), publisher);

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(1));
            Assert.That(Site.CountOf("/font.woff2") - fonts, Is.EqualTo(1), "fonts allowed now");
            Assert.That(Site.CountOf("/clip.mp4") - media, Is.Zero, "media still blocked");
        });
    }
}
