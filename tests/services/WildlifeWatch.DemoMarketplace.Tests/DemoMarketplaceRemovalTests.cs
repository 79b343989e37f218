using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;

namespace WildlifeWatch.DemoMarketplace.Tests;

public sealed partial class DemoMarketplaceRemovalTests
{
    private DemoMarketplaceServer _server = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartServer()
    {
        _server = await DemoMarketplaceServer.StartAsync();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.BaseUrl };
    }

    [TearDown]
    public async Task StopServer()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task A_removed_listing_answers_as_it_was_taken_down()
    {
        var ids = _server.GroundTruth.Select(g => g.Id).Take(5).ToList();
        _server.RemoveListing(ids[0], ListingRemoval.NotFound);
        _server.RemoveListing(ids[1], ListingRemoval.Gone);
        _server.RemoveListing(ids[2], ListingRemoval.RemovedNotice);
        _server.RemoveListing(ids[3], ListingRemoval.RedirectToSearch);

        using var notFound = await _http.GetAsync(_server.ListingUrl(ids[0]));
        using var gone = await _http.GetAsync(_server.ListingUrl(ids[1]));
        using var notice = await _http.GetAsync(_server.ListingUrl(ids[2]));
        using var redirect = await _http.GetAsync(_server.ListingUrl(ids[3]));
        using var live = await _http.GetAsync(_server.ListingUrl(ids[4]));
        using var api = await _http.GetAsync($"/api/items/{Uri.EscapeDataString(ids[2])}");

        Assert.That((notFound.StatusCode, gone.StatusCode, notice.StatusCode, redirect.StatusCode, live.StatusCode, api.StatusCode), Is.EqualTo(
            (HttpStatusCode.NotFound, HttpStatusCode.Gone, HttpStatusCode.OK, HttpStatusCode.Redirect, HttpStatusCode.OK, HttpStatusCode.NotFound)));
        Assert.That(await notice.Content.ReadAsStringAsync(), Does.Contain("This listing has been removed by the seller."));
        Assert.That(redirect.Headers.Location?.OriginalString, Does.StartWith("/search?q="));
        Assert.Throws<ArgumentException>(() => _server.RemoveListing("no-such-listing", ListingRemoval.Gone));
    }

    [Test]
    public async Task The_sitemap_index_leads_to_every_listing_through_a_gzip_sitemap()
    {
        var index = await _http.GetStringAsync(_server.SitemapUrl);
        var sitemaps = Locations(index);
        var listings = sitemaps.Single(s => s.EndsWith(".xml.gz", StringComparison.Ordinal));
        await using var gzip = new GZipStream(await _http.GetStreamAsync(listings), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var items = Locations(await reader.ReadToEndAsync());

        Assert.That(sitemaps, Has.Count.EqualTo(2));
        Assert.That(items, Is.EquivalentTo(_server.GroundTruth.Select(g => _server.ListingUrl(g.Id).AbsoluteUri)));
    }

    private static List<string> Locations(string xml) => Loc().Matches(xml).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<loc>([^<]+)</loc>")]
    private static partial Regex Loc();
}
