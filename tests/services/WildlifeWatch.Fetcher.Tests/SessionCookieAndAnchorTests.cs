using System.Text;
using System.Text.Json;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The seed's session cookies reach the site in both render modes, and the links leave with their anchor texts.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class SessionCookieAndAnchorTests : BrowserTestBase
{
    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Seed_cookies_open_a_region_gate_and_go_only_to_their_host(string mode)
    {
        var (handler, publisher) = Handler();
        var gate = "/region-gate/" + Guid.NewGuid().ToString("N");
        var request = Request(gate, renderMode: mode) with
        {
            Cookies = [new SessionCookie("region", "eu", Site.BaseUri.Host), new SessionCookie("other", "x", "elsewhere.invalid")],
        };

        await handler.HandleAsync(request, publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        var text = Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.TextSha256))!);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(FixtureSite.CookieGatedPhrase), "the gate let the page through");
            Assert.That(Site.CookiesOf(gate), Is.EqualTo(new[] { "region=eu" }), "a cookie of another domain stays home");
            if (mode == RenderMode.Browser)
            {
                Assert.That(Site.CookiesOf(gate.Replace("region-gate", "gate-pixel", StringComparison.Ordinal) + ".png"), Is.EqualTo(new[] { "region=eu" }), "sub-resources of the host get it too");
            }
        });
    }

    [Test]
    public async Task Without_the_seed_cookies_the_gate_stays_closed()
    {
        var (handler, publisher) = Handler();
        var gate = "/region-gate/" + Guid.NewGuid().ToString("N");

        await handler.HandleAsync(Request(gate, renderMode: RenderMode.Http), publisher);

        var text = Encoding.UTF8.GetString((await Store.GetArtifactAsync(publisher.Of<PageCaptured>().Single().TextSha256))!);
        Assert.That(text, Does.Contain("Choose your region").And.Not.Contain(FixtureSite.CookieGatedPhrase));
        Assert.That(Site.CookiesOf(gate), Is.EqualTo(new string?[] { null }));
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Links_carry_the_text_of_their_anchors(string mode)
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/anchors", renderMode: mode), publisher);

        var links = publisher.Of<LinksDiscovered>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(links.Links, Is.EqualTo(new[] { Site.Url("/item/1").AbsoluteUri, Site.Url("/help").AbsoluteUri, Site.Url("/item/2").AbsoluteUri }));
            Assert.That(links.AnchorTexts, Is.Not.Null);
            Assert.That(links.AnchorTexts![Site.Url("/item/1").AbsoluteUri], Is.EqualTo("Carved ivory bangle | antique"), "whitespace collapsed, both anchors");
            Assert.That(links.AnchorTexts[Site.Url("/help").AbsoluteUri], Is.EqualTo("Help"));
            Assert.That(links.AnchorTexts.ContainsKey(Site.Url("/item/2").AbsoluteUri), Is.False, "an image link has no text");
        });
    }

    [Test]
    public async Task The_warc_keeps_the_sub_resources_the_page_loaded_as_they_were_served()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/js-listing", renderMode: RenderMode.Browser), publisher);

        var records = await WarcOfAsync(publisher.Of<PageCaptured>().Single());
        var xhr = records.Single(r => r.Type == "response" && r["WARC-Target-URI"] == Site.Url("/api/listing/17").AbsoluteUri);
        using var served = JsonDocument.Parse(xhr.Payload().ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(records.First(r => r.Type == "response")["WARC-Target-URI"], Is.EqualTo(Site.Url("/js-listing").AbsoluteUri), "the document first");
            Assert.That(served.RootElement.GetProperty("title").GetString(), Is.EqualTo("Listing 17"));
            Assert.That(records.Count(r => r.Type == "request" && r["WARC-Target-URI"] == xhr["WARC-Target-URI"]), Is.EqualTo(1));
            Assert.That(WarcVerifier.Verify(WarcBytes), Is.Empty);
        });
    }

    [Test]
    public async Task Sub_resources_over_the_warc_budget_are_left_out_with_a_warning()
    {
        var (handler, publisher) = Handler(o => o.WarcSubresourceBytes = 1);

        await handler.HandleAsync(Request("/js-listing", renderMode: RenderMode.Browser), publisher);

        var records = await WarcOfAsync(publisher.Of<PageCaptured>().Single());
        var metadata = Encoding.UTF8.GetString(records.Single(r => r.Type == "metadata").Block);
        Assert.Multiple(() =>
        {
            Assert.That(records.Count(r => r.Type == "response"), Is.EqualTo(1), "the document only");
            Assert.That(metadata, Does.Contain("sub-resource budget").And.Contain("/api/listing/17"));
        });
    }

    private byte[] WarcBytes { get; set; } = [];

    private async Task<IReadOnlyList<WarcRecord>> WarcOfAsync(PageCaptured captured)
    {
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        var sha = manifest.RootElement.GetProperty("artifacts").GetProperty("warc").GetProperty("sha256").GetString()!;
        WarcBytes = (await Store.GetArtifactAsync(sha))!;
        return WarcReader.Read(WarcBytes);
    }
}
