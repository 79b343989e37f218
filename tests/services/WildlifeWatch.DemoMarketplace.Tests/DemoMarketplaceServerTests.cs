using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WildlifeWatch.DemoMarketplace;

namespace WildlifeWatch.DemoMarketplace.Tests;

public sealed partial class DemoMarketplaceServerTests
{
    private const int PageSize = 7;

    private DemoMarketplaceServer _server = null!;
    private HttpClient _http = null!;
    private IReadOnlyList<ListingRow> _listings = null!;
    private IReadOnlyList<string> _categories = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        // An odd page size so several categories need more than one page.
        _server = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { PageSize = PageSize });
        _http = TestSupport.Client(_server);
        (_categories, _listings) = TestSupport.LoadListings();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Server_listens_on_loopback_with_an_ephemeral_port()
    {
        using var response = await _http.GetAsync("/");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(IPAddress.IsLoopback(IPAddress.Parse(_server.BaseUrl.Host)), Is.True);
            Assert.That(_server.BaseUrl.Port, Is.GreaterThan(0));
            Assert.That(_server.BaseUrl.AbsolutePath, Is.EqualTo("/"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [TestCase("0.0.0.0")]
    [TestCase("::")]
    [TestCase("192.168.1.20")]
    [TestCase("10.0.0.1")]
    [TestCase("example.com")]
    [TestCase("")]
    public void StartAsync_refuses_a_non_loopback_host(string host) =>
        Assert.ThrowsAsync<ArgumentException>(() => DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = host }));

    [Test]
    public async Task A_second_server_starts_fast_on_another_loopback_address_and_stops_listening_when_disposed()
    {
        var watch = Stopwatch.StartNew();
        var other = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = "127.0.0.1" });
        watch.Stop();
        var port = other.BaseUrl.Port;
        using (var http = TestSupport.Client(other))
        {
            using var response = await http.GetAsync("/robots.txt");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await other.DisposeAsync();
        await other.DisposeAsync(); // idempotent

        using (Assert.EnterMultipleScope())
        {
            Assert.That(port, Is.Not.EqualTo(_server.BaseUrl.Port));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
            using var client = new TcpClient();
            Assert.That(async () => await client.ConnectAsync(IPAddress.Loopback, port), Throws.InstanceOf<SocketException>());
        }
    }

    [Test]
    public async Task The_callers_ASPNETCORE_URLS_does_not_change_the_binding()
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_URLS", "http://0.0.0.0:1");
        try
        {
            await using var other = await DemoMarketplaceServer.StartAsync();
            Assert.That(other.BaseUrl.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(other.BaseUrl.Port, Is.Not.EqualTo(1));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_URLS", null);
        }
    }

    [Test]
    public async Task Localhost_is_accepted_as_the_IPv4_loopback()
    {
        await using var other = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = "localhost" });
        Assert.That(other.BaseUrl.Host, Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public void Server_ground_truth_is_the_shipped_file() =>
        Assert.That(_server.GroundTruth, Is.EqualTo(GroundTruth.Load()));

    [Test]
    public void ListingUrl_is_the_absolute_item_url() =>
        Assert.That(_server.ListingUrl("abc123"), Is.EqualTo(new Uri(_server.BaseUrl, "/item/abc123")));

    [Test]
    public async Task Item_page_html_contains_no_listing_text_before_scripts_run()
    {
        foreach (var listing in _listings)
        {
            using var response = await _http.GetAsync($"/item/{listing.Id}");
            var html = await response.Content.ReadAsStringAsync();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), listing.Id);
                Assert.That(html, Does.Not.Contain(listing.Title), listing.Id);
                Assert.That(html, Does.Not.Contain(listing.Description), listing.Id);
                Assert.That(html, Does.Not.Contain("/item/"), listing.Id);
                Assert.That(html, Does.Contain("<script src=\"/static/app.js\""), listing.Id);
            }
        }
    }

    [Test]
    public async Task Item_api_json_contains_the_listing_text_and_offer()
    {
        var listing = _listings.First(l => l.Language == "zh");
        var json = await TestSupport.GetJsonAsync(_http, $"/api/items/{listing.Id}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo(listing.Title));
            Assert.That(json.GetProperty("description").GetString(), Is.EqualTo(listing.Description));
            Assert.That(json.GetProperty("priceValue").GetString(), Does.Match(@"^\d+(\.\d{1,2})?$"));
            Assert.That(json.GetProperty("currency").GetString(), Does.Match("^[A-Z]{3}$"));
            Assert.That(json.GetProperty("sellerUrl").GetString(), Does.StartWith("/seller/"));
            Assert.That(json.GetProperty("images").GetArrayLength(), Is.EqualTo(listing.ImageColours.Length));
        }
    }

    [Test]
    public async Task Category_search_and_seller_pages_carry_no_listing_links_in_their_html()
    {
        var item = await TestSupport.GetJsonAsync(_http, $"/api/items/{_listings[0].Id}");
        foreach (var url in new[] { $"/c/{_categories[0]}", "/search?q=ivory", item.GetProperty("sellerUrl").GetString()! })
        {
            using var response = await _http.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(html, Does.Not.Contain("/item/"), url);
        }
    }

    [Test]
    public async Task Unknown_listing_returns_404_page_and_404_json()
    {
        using var page = await _http.GetAsync("/item/no-such-id");
        using var api = await _http.GetAsync("/api/items/no-such-id");
        using var category = await _http.GetAsync("/c/no-such-category");
        using var beyond = await _http.GetAsync($"/c/{_categories[0]}?page=999");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(category.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(beyond.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task Robots_txt_disallows_account_and_cart()
    {
        using var response = await _http.GetAsync("/robots.txt");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.TrimEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(lines, Does.Contain("User-agent: *"));
            Assert.That(lines, Does.Contain("Disallow: /account/"));
            Assert.That(lines, Does.Contain("Disallow: /cart"));
        }
    }

    [Test]
    public async Task Header_links_to_the_robots_excluded_pages_which_are_served()
    {
        var home = await _http.GetStringAsync("/");
        using var login = await _http.GetAsync("/account/login");
        using var cart = await _http.GetAsync("/cart");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(home, Does.Contain("href=\"/account/login\""));
            Assert.That(home, Does.Contain("href=\"/cart\""));
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(cart.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task Absolute_links_point_only_to_loopback_hosts_including_the_out_of_scope_about_page()
    {
        var home = await _http.GetStringAsync("/");
        var item = await _http.GetStringAsync($"/item/{_listings[0].Id}");
        var hosts = AbsoluteHref().Matches(home + item).Select(m => new Uri(m.Groups[1].Value)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(home, Does.Contain($"href=\"http://127.0.0.2:{_server.BaseUrl.Port}/about\""));
            Assert.That(hosts, Is.Not.Empty);
            Assert.That(hosts.Where(u => !IPAddress.TryParse(u.Host, out var ip) || !IPAddress.IsLoopback(ip)), Is.Empty);
        }
    }

    [Test]
    public async Task Home_page_links_to_every_category_and_to_searches()
    {
        var home = await _http.GetStringAsync("/");
        using (Assert.EnterMultipleScope())
        {
            foreach (var category in _categories)
            {
                Assert.That(home, Does.Contain($"href=\"/c/{category}\""));
            }

            Assert.That(home, Does.Contain("href=\"/search?q="));
        }
    }

    [Test]
    public async Task Pagination_links_cover_every_listing_of_a_category()
    {
        var seen = new List<string>();
        foreach (var category in _categories)
        {
            var expected = _listings.Where(l => l.Category == category).Select(l => l.Id).ToList();
            var first = await TestSupport.GetJsonAsync(_http, $"/api/category/{category}");
            var pageUrls = PageUrls(first);
            var ids = new List<string>();
            foreach (var url in pageUrls)
            {
                var page = await TestSupport.GetJsonAsync(_http, ApiFor(url));
                var items = page.GetProperty("items").EnumerateArray().ToList();
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(PageUrls(page), Is.EqualTo(pageUrls), "every page links to all pages");
                    Assert.That(items, Has.Count.InRange(1, PageSize));
                    Assert.That(items.Select(i => i.GetProperty("url").GetString()), Is.All.StartsWith("/item/"));
                }

                ids.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
            }

            Assert.That(ids, Is.EquivalentTo(expected), category);
            Assert.That(pageUrls, Has.Count.EqualTo((expected.Count + PageSize - 1) / PageSize), category);
            seen.AddRange(ids);
        }

        Assert.That(seen, Is.EquivalentTo(_listings.Select(l => l.Id)));
    }

    [TestCase("ivory")]
    [TestCase("TIGER")]
    [TestCase("ngà")]
    [TestCase("象牙")]
    public async Task Search_pages_find_every_title_or_description_substring_match(string term)
    {
        var expected = _listings
            .Where(l => l.Title.Contains(term, StringComparison.OrdinalIgnoreCase) || l.Description.Contains(term, StringComparison.OrdinalIgnoreCase))
            .Select(l => l.Id).ToList();
        var first = await TestSupport.GetJsonAsync(_http, $"/api/search?q={Uri.EscapeDataString(term)}");
        var ids = new List<string>();
        foreach (var url in PageUrls(first))
        {
            using var html = await _http.GetAsync(url);
            Assert.That(html.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            var page = await TestSupport.GetJsonAsync(_http, ApiFor(url));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
        }

        Assert.That(expected, Is.Not.Empty);
        Assert.That(ids, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Png_images_are_valid_png()
    {
        foreach (var listing in _listings.Take(20))
        {
            for (var n = 1; n <= listing.ImageColours.Length; n++)
            {
                using var response = await _http.GetAsync($"/img/{listing.Id}-{n}.png");
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
                AssertValidPng(await response.Content.ReadAsByteArrayAsync(), 240, 180);
            }

            using var missing = await _http.GetAsync($"/img/{listing.Id}-{listing.ImageColours.Length + 1}.png");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task RequestedPaths_records_every_path_and_query_served()
    {
        var marker = $"/search?q=probe-{Guid.NewGuid():N}&page=1";
        using (await _http.GetAsync(marker))
        using (await _http.GetAsync("/definitely/missing"))
        {
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_server.RequestedPaths, Does.Contain(marker));
            Assert.That(_server.RequestedPaths, Does.Contain("/definitely/missing"));
            Assert.That(_server.RequestedPaths, Does.Not.Contain("/never-requested"));
        }
    }

    [Test]
    public async Task RequestLog_records_times_user_agent_status_and_whether_a_request_was_a_page_load()
    {
        var page = $"/search?q=log-{Guid.NewGuid():N}";
        using (var navigation = new HttpRequestMessage(HttpMethod.Get, page))
        {
            navigation.Headers.Add("Sec-Fetch-Mode", "navigate");
            navigation.Headers.UserAgent.ParseAdd("replica-a/1.0");
            using var response = await _http.SendAsync(navigation);
        }

        using (await _http.GetAsync("/static/app.js?log"))
        {
        }

        var logged = _server.RequestLog.Single(r => r.PathAndQuery == page);
        var script = _server.RequestLog.Single(r => r.PathAndQuery == "/static/app.js?log");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(logged.IsNavigation, Is.True);
            Assert.That(logged.UserAgent, Does.StartWith("replica-a/1.0"));
            Assert.That(logged.Status, Is.EqualTo(200));
            Assert.That(logged.AnsweredAt, Is.GreaterThanOrEqualTo(logged.ArrivedAt));
            Assert.That(script.IsNavigation, Is.False);
            Assert.That(script.ArrivedAt, Is.GreaterThanOrEqualTo(logged.AnsweredAt));
        }
    }

    [Test]
    public async Task RequestedPaths_is_safe_under_concurrent_requests()
    {
        var before = _server.RequestedPaths.Count;
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await _http.GetAsync($"/robots.txt?n={i}");
        }));
        Assert.That(_server.RequestedPaths.Count - before, Is.GreaterThanOrEqualTo(40));
        Assert.That(_server.RequestedPaths.Where(p => p.StartsWith("/robots.txt?n=", StringComparison.Ordinal)).Distinct().Count(), Is.EqualTo(40));
    }

    [TestCase("/", "text/html")]
    [TestCase("/static/app.js", "text/javascript")]
    [TestCase("/static/site.css", "text/css")]
    [TestCase("/robots.txt", "text/plain")]
    [TestCase("/api/search?q=a", "application/json")]
    public async Task Text_responses_declare_their_type_and_utf8(string url, string mediaType)
    {
        using var response = await _http.GetAsync(url);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
            Assert.That(response.Content.Headers.ContentType?.CharSet, Is.EqualTo("utf-8").IgnoreCase);
        }
    }

    [Test]
    public async Task Page_script_renders_with_textContent_and_emits_product_microdata()
    {
        var script = await _http.GetStringAsync("/static/app.js");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(script, Does.Not.Contain("innerHTML"));
            Assert.That(script, Does.Contain("textContent"));
            Assert.That(script, Does.Contain("https://schema.org/Product"));
            Assert.That(script, Does.Contain("application/ld+json"));
            Assert.That(script, Does.Contain("priceCurrency"));
        }
    }

    private static List<string> PageUrls(JsonElement page) =>
        page.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()!).ToList();

    /// <summary>The API URL the page script fetches for a category or search page URL.</summary>
    private static string ApiFor(string pageUrl)
    {
        if (pageUrl.StartsWith("/c/", StringComparison.Ordinal))
        {
            return "/api/category/" + pageUrl["/c/".Length..];
        }

        Assert.That(pageUrl, Does.StartWith("/search?"));
        return "/api" + pageUrl;
    }

    private static void AssertValidPng(byte[] png, int width, int height)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(signature));
        var offset = 8;
        var types = new List<string>();
        using var idat = new MemoryStream();
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.That(crc, Is.EqualTo(Crc32(png.AsSpan(offset + 4, 4 + length))), $"CRC of {type}");
            if (type == "IHDR")
            {
                Assert.That(BinaryPrimitives.ReadInt32BigEndian(data), Is.EqualTo(width));
                Assert.That(BinaryPrimitives.ReadInt32BigEndian(data[4..]), Is.EqualTo(height));
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            types.Add(type);
            offset += 12 + length;
        }

        Assert.That(types[0], Is.EqualTo("IHDR"));
        Assert.That(types[^1], Is.EqualTo("IEND"));
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.That(raw.Length, Is.EqualTo(height * (1 + (width * 3))));
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    [GeneratedRegex("href=\"(https?://[^\"]+)\"")]
    private static partial Regex AbsoluteHref();
}
