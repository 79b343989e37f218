using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Tests.Fixtures;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class SitemapReaderTests : LoopbackSiteTests
{

    [Test]
    public async Task An_index_is_followed_to_plain_and_gzip_sitemaps_and_each_page_is_listed_once()
    {
        Site.Serve("/index.xml", Index("/a.xml", "/b.xml.gz", "/a.xml"), "application/xml");
        Site.Serve("/a.xml", UrlSet("/item/1", "/item/2"), "application/xml");
        // Served as gzip bytes with a plain XML type, as misconfigured servers do: recognised by its magic bytes.
        Site.ServeGzip("/b.xml.gz", UrlSet("/item/2", "/item/3"), "application/xml");

        var pages = await Reader().ReadAsync([Site.Url("/index.xml")], CancellationToken.None);

        Assert.That(pages, Is.EqualTo(new[] { Site.Url("/item/1"), Site.Url("/item/2"), Site.Url("/item/3") }));
        Assert.That(Site.Requested.Count(r => r == "/a.xml"), Is.EqualTo(1));
    }

    [Test]
    public async Task Broken_missing_and_entity_laden_sitemaps_are_skipped_and_the_rest_is_read()
    {
        Site.Serve("/broken.xml", "<urlset><url><loc>", "application/xml");
        Site.Serve("/html.xml", "<html><body>not a sitemap</body></html>", "text/html");
        Site.Serve("/dtd.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><urlset><url><loc>&a;</loc></url></urlset>", "application/xml");
        Site.Serve("/good.xml", UrlSet("/item/9"), "application/xml");

        var pages = await Reader().ReadAsync(
            [Site.Url("/broken.xml"), Site.Url("/html.xml"), Site.Url("/dtd.xml"), Site.Url("/missing.xml"), Site.Url("/good.xml")], CancellationToken.None);

        Assert.That(pages, Is.EqualTo(new[] { Site.Url("/item/9") }));
    }

    [Test]
    public async Task The_url_limit_is_honoured()
    {
        Site.Serve("/big.xml", UrlSet(Enumerable.Range(0, 50).Select(i => $"/item/{i}").ToArray()), "application/xml");

        var pages = await Reader(o => o.MaxSitemapUrls = 10).ReadAsync([Site.Url("/big.xml")], CancellationToken.None);

        Assert.That(pages, Has.Count.EqualTo(10));
    }

    [Test]
    public void Only_absolute_http_locations_are_taken()
    {
        using var xml = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc> https://a.example/x </loc></url><url><loc>/relative</loc></url><url><loc>ftp://a.example/y</loc></url></urlset>"));

        var document = SitemapReader.Parse(xml);

        Assert.That((document.IsIndex, document.Locations), Is.EqualTo((false, new[] { "https://a.example/x" })));
    }

    private SitemapReader Reader(Action<SchedulerOptions>? configure = null)
    {
        var options = new SchedulerOptions();
        configure?.Invoke(options);
        return new SitemapReader(Http, Options.Create(options), NullLogger<SitemapReader>.Instance);
    }

    private string Index(params string[] paths) =>
        "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(paths.Select(p => $"<sitemap><loc>{Site.Url(p)}</loc></sitemap>")) + "</sitemapindex>";

    private string UrlSet(params string[] paths) =>
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(paths.Select(p => $"<url><loc>{Site.Url(p)}</loc></url>")) + "</urlset>";
}
