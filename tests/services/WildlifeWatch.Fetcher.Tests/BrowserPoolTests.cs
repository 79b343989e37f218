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
    public async Task Idle_contexts_of_interleaved_hosts_are_kept_beyond_the_slots()
    {
        var options = BaseOptions();
        options.MaxConcurrentPages = 1;
        await using var browser = new BrowserSession(Options.Create(options));

        foreach (var host in new[] { "a.test", "b.test", "a.test", "b.test", "c.test", "a.test" })
        {
            await browser.WithPageAsync(host, (_, _) => Task.FromResult(0));
        }

        Assert.That(browser.ContextsCreated, Is.EqualTo(3), "one context per host, kept idle while another host used the slot");
    }

    [Test]
    public async Task Without_idle_contexts_each_host_change_opens_a_context()
    {
        var options = BaseOptions();
        options.MaxConcurrentPages = 1;
        options.IdleContexts = 0;
        await using var browser = new BrowserSession(Options.Create(options));

        foreach (var host in new[] { "a.test", "b.test", "a.test", "b.test" })
        {
            await browser.WithPageAsync(host, (_, _) => Task.FromResult(0));
        }

        Assert.That(browser.ContextsCreated, Is.EqualTo(4));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_healthy_page_is_navigated_again_only_when_pages_are_reused(bool reuse)
    {
        var options = BaseOptions();
        options.ReusePages = reuse;
        await using var browser = new BrowserSession(Options.Create(options));

        var first = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(page));
        var second = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(page));

        Assert.Multiple(() =>
        {
            Assert.That(ReferenceEquals(first, second), Is.EqualTo(reuse));
            Assert.That(first.IsClosed, Is.EqualTo(!reuse));
        });
    }

    [TestCase("/heavy-heap", 2)]
    [TestCase("/plain/330", 1)]
    public async Task A_page_whose_heap_outgrew_the_bound_is_replaced_with_its_context(string path, int contexts)
    {
        var options = Options.Create(BaseOptions());
        options.Value.ContextMaxHeapMb = 16;
        await using var browser = new BrowserSession(options);
        using var http = new GuardedHttpClient(options);
        var loader = new BrowserPageLoader(browser, http, new HostPoliteness(Store, options), options);

        using var spans = new RecordedSpans();

        // The heavy page keeps some 60 MB on its heap; its DOM read reports it, and its context is not used again.
        await loader.LoadAsync(Site.Url(path), null, null, CancellationToken.None);
        await loader.LoadAsync(Site.Url(path), null, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(browser.ContextsCreated, Is.EqualTo(contexts));
            Assert.That(spans.Named("browser.heap-check").Select(a => a.GetTagItem("wtw.heap-asked")), Is.EqualTo(new object[] { false, false }), "read with the DOM, not asked for again");
        });
    }

    [TestCase(null, false)]
    [TestCase(1.0, true)]
    public async Task The_heap_the_work_reports_decides_reuse_instead_of_asking_the_page(double? reported, bool reused)
    {
        var options = BaseOptions();
        options.ContextMaxHeapMb = 16;
        await using var browser = new BrowserSession(Options.Create(options));

        // The page's own heap is some 60 MB: only a reported heap under the bound lets it be reused.
        var first = await browser.WithPageAsync("a.test", async (page, _) =>
        {
            await page.EvaluateAsync("() => { window.hog = Array.from({ length: 3000000 }, (_, i) => ({ i })); }");
            return page;
        }, _ => reported);
        var second = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(page));

        Assert.That(ReferenceEquals(first, second), Is.EqualTo(reused));
    }

    [Test]
    public async Task A_reported_heap_over_the_bound_retires_a_page_whose_own_heap_is_small()
    {
        var options = BaseOptions();
        options.ContextMaxHeapMb = 16;
        await using var browser = new BrowserSession(Options.Create(options));

        var first = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(page), _ => 17.0 * 1024 * 1024);
        var second = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(page));

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.Not.SameAs(first));
            Assert.That(browser.ContextsCreated, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_reused_page_captures_the_next_page_with_its_own_content()
    {
        var (handler, publisher) = Handler(o => o.ReusePages = true);

        await handler.HandleAsync(Request("/plain/320", renderMode: RenderMode.Browser), publisher);
        await handler.HandleAsync(Request("/plain/321", renderMode: RenderMode.Browser), publisher);

        var captured = publisher.Of<PageCaptured>();
        Assert.That(captured, Has.Count.EqualTo(2));
        var html = await Task.WhenAll(captured.Select(async c => System.Text.Encoding.UTF8.GetString((await Store.GetArtifactAsync(c.HtmlSha256))!)));
        Assert.Multiple(() =>
        {
            Assert.That(captured[1].FinalUrl, Does.EndWith("/plain/321"));
            Assert.That(html[0], Is.Not.EqualTo(html[1]), "the second capture is of the second page, not what the reused page showed before");
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
