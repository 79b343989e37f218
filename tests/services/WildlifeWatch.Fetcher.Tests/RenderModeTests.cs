using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>When a plainly fetched page needs a browser, judged from its HTML alone.</summary>
public sealed class RenderDecisionTests
{
    private static readonly string Prose = string.Concat(Enumerable.Repeat("Hand carved figure of a fisherman, signed on the base, from an estate. ", 8));

    [TestCase("""<html><body><div id="root"></div><script src="/bundle.js"></script></body></html>""", true)]
    [TestCase("""<html><body><main id="app"><p class="loading">Loading…</p></main><script src="/app.js" defer></script></body></html>""", true)]
    [TestCase("""<html><body><div id="__next"></div><script src="/_next/main.js"></script></body></html>""", true)]
    [TestCase("""<html><body><app-root></app-root><script src="main.js"></script></body></html>""", true)]
    [TestCase("""<html><body><noscript>You need to enable JavaScript to run this app.</noscript><h1>Shop</h1><script src="a.js"></script></body></html>""", true)]
    [TestCase("""<html><body><h1>Listing</h1><p>Ivory bangle</p><script>loadRest()</script></body></html>""", true)]
    [TestCase("""<html><body><h1>Ivory carving</h1><p>PROSE</p></body></html>""", false)]
    [TestCase("""<html><body><h1>Ivory carving</h1><p>PROSE</p><script src="/analytics.js"></script></body></html>""", false)]
    [TestCase("""<html><body><div id="app"><h1>Ivory carving</h1><p>PROSE</p></div><script src="/hydrate.js"></script></body></html>""", false)]
    [TestCase("""<html><body><h1>404</h1><p>Not here</p></body></html>""", false)]
    public void A_page_needs_the_browser_only_when_scripts_carry_its_content(string html, bool needsBrowser)
    {
        var document = new HtmlParser().ParseDocument(html.Replace("PROSE", Prose, StringComparison.Ordinal));

        Assert.That(RenderDecisions.NeedsBrowser(document, HttpPageLoader.VisibleText(document)), Is.EqualTo(needsBrowser));
    }

    [Test]
    public void A_host_whose_pages_keep_needing_the_browser_skips_the_plain_fetch_but_is_probed_again()
    {
        var decisions = new RenderDecisions(sampleSize: 4);
        var page = new Uri("http://spa.example/item/1");
        var skips = new List<bool> { decisions.SkipHttp(page) };
        for (var i = 0; i < 3; i++)
        {
            decisions.Record(page, neededBrowser: true);
        }

        for (var i = 0; i < 8; i++)
        {
            skips.Add(decisions.SkipHttp(page));
        }

        Assert.Multiple(() =>
        {
            Assert.That(skips[0], Is.False, "nothing known yet");
            Assert.That(skips.Skip(1), Has.Exactly(2).False, "every fourth page is probed again");
            Assert.That(decisions.SkipHttp(new Uri("http://static.example/")), Is.False, "per host");
        });

        decisions.Record(page, neededBrowser: false);
        Assert.That(decisions.SkipHttp(page), Is.False, "a plain page in the sample brings the probe back");
    }

    [Test]
    public void Visible_text_skips_scripts_styles_and_hidden_elements()
    {
        var document = new HtmlParser().ParseDocument(
            "<html><head><title>T</title><style>p{}</style></head><body><h1>Tiger  claw</h1><script>var x='no';</script><p hidden>secret</p><p>pendant\n silver</p><noscript>js</noscript></body></html>");

        Assert.That(HttpPageLoader.VisibleText(document), Is.EqualTo("Tiger claw\npendant silver"));
    }
}

/// <summary>The three render modes against the loopback site.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class RenderModeTests : BrowserTestBase
{
    [Test]
    public async Task Auto_fetches_a_static_page_over_http_without_the_browser()
    {
        var before = Site.CountOf("/static-page");

        var (manifest, text) = await CaptureAsync("/static-page", RenderMode.Auto);

        Assert.Multiple(() =>
        {
            Assert.That(manifest.GetProperty("renderMode").GetString(), Is.EqualTo(RenderMode.Http));
            Assert.That(manifest.GetProperty("artifacts").GetProperty("screenshot").GetProperty("size").GetInt64(), Is.Zero, "no browser, no screenshot");
            Assert.That(text, Does.Contain("Ivory carving, 19th century"));
            Assert.That(Site.CountOf("/static-page") - before, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Auto_renders_a_page_whose_content_needs_javascript_in_the_browser()
    {
        var (manifest, text) = await CaptureAsync("/js-listing", RenderMode.Auto);

        Assert.Multiple(() =>
        {
            Assert.That(manifest.GetProperty("renderMode").GetString(), Is.EqualTo(RenderMode.Browser));
            Assert.That(manifest.GetProperty("artifacts").GetProperty("screenshot").GetProperty("size").GetInt64(), Is.GreaterThan(0));
            Assert.That(text, Does.Contain(FixtureSite.ScriptRenderedPhrase));
        });
    }

    [Test]
    public async Task Auto_learns_that_a_host_needs_the_browser_and_stops_probing_it_plainly()
    {
        var (handler, publisher) = Handler(o => o.RenderMode = RenderMode.Auto);
        var before = Site.CountOf("/js-listing");

        for (var i = 0; i < 4; i++)
        {
            await handler.HandleAsync(Request($"/js-listing?copy={i}"), publisher);
        }

        Assert.Multiple(() =>
        {
            Assert.That(publisher.Of<PageCaptured>(), Has.Count.EqualTo(4));
            Assert.That(Site.CountOf("/js-listing") - before, Is.EqualTo((3 * 2) + 1), "three probes and renders, then a render alone");
        });
    }

    [Test]
    public async Task Http_mode_never_starts_a_page_in_the_browser_even_for_a_script_page()
    {
        var before = Site.CountOf("/api/listing/17");

        var (manifest, text) = await CaptureAsync("/js-listing", RenderMode.Http);

        Assert.Multiple(() =>
        {
            Assert.That(manifest.GetProperty("renderMode").GetString(), Is.EqualTo(RenderMode.Http));
            Assert.That(text, Does.Not.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(Site.CountOf("/api/listing/17") - before, Is.Zero, "no script ran");
        });
    }

    private async Task<(JsonElement Manifest, string Text)> CaptureAsync(string path, string mode)
    {
        var (handler, publisher) = Handler();
        await handler.HandleAsync(Request(path, renderMode: mode), publisher);
        var captured = publisher.Of<PageCaptured>().Single();
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        return (manifest.RootElement.Clone(), Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.TextSha256))!));
    }
}
