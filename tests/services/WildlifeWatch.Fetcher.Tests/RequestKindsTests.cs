namespace WildlifeWatch.Fetcher.Tests;

[TestFixture]
public sealed class RequestKindsTests
{
    private static ProxiedRequest Request(string url, params (string Name, string Value)[] headers) =>
        new(new Uri(url), "GET", [.. headers.Select(h => KeyValuePair.Create(h.Name, h.Value))], []);

    [TestCase("document", "document")]
    [TestCase("iframe", "document")]
    [TestCase("style", "stylesheet")]
    [TestCase("script", "script")]
    [TestCase("image", "image")]
    [TestCase("font", "font")]
    [TestCase("video", "media")]
    [TestCase("audio", "media")]
    [TestCase("empty", "fetch")]
    [TestCase("manifest", "manifest")]
    [TestCase("report", "other")]
    public void Fetch_metadata_names_the_kind(string dest, string kind) =>
        Assert.That(RequestKinds.Of(Request("https://shop.example/x", ("Sec-Fetch-Dest", dest), ("Accept", "text/html"))), Is.EqualTo(kind));

    [TestCase("/item/1", "text/html,application/xhtml+xml;q=0.9", "document")]
    [TestCase("/img/1", "image/avif,image/webp,*/*;q=0.8", "image")]
    [TestCase("/site", "text/css,*/*;q=0.1", "stylesheet")]
    [TestCase("/f/a.WOFF2", "*/*", "font")]
    [TestCase("/v/clip.mp4", "*/*", "media")]
    [TestCase("/static/app.js", "*/*", "script")]
    [TestCase("/api/items/1", "application/json", "fetch")]
    [TestCase("/api/items/1", "*/*", "fetch")]
    [TestCase("/feed", "application/rss+xml", "other")]
    public void Without_fetch_metadata_the_accept_header_and_extension_name_it(string path, string accept, string kind) =>
        Assert.That(RequestKinds.Of(Request("http://shop.example" + path, ("Accept", accept))), Is.EqualTo(kind));

    [Test]
    public void With_fetch_metadata_only_a_top_level_document_is_the_page() =>
        Assert.Multiple(() =>
        {
            var expected = new Uri("https://shop.example/item/1");
            Assert.That(RequestKinds.IsTopDocument(Request("https://shop.example/other", ("Sec-Fetch-Dest", "document")), "document", expected), Is.True, "a script navigation");
            Assert.That(RequestKinds.IsTopDocument(Request("https://shop.example/item/1", ("Sec-Fetch-Dest", "iframe")), "document", expected), Is.False, "a frame");
        });

    [Test]
    public void Without_fetch_metadata_the_document_is_the_one_at_the_expected_address() =>
        Assert.Multiple(() =>
        {
            var expected = new Uri("http://Shop.Example:80/item/1?x=%C3%A9#photos");
            const string html = "text/html";
            Assert.That(RequestKinds.IsTopDocument(Request("http://shop.example/item/1?x=%C3%A9", ("Accept", html)), "document", expected), Is.True);
            Assert.That(RequestKinds.IsTopDocument(Request("http://shop.example/item/2", ("Accept", html)), "document", expected), Is.False, "another page");
            Assert.That(RequestKinds.IsTopDocument(Request("http://shop.example/item/1?x=%C3%A9", ("Accept", "*/*")), "fetch", expected), Is.False, "a script's call to the same address");
            Assert.That(RequestKinds.IsTopDocument(Request("http://shop.example/item/1?x=%C3%A9", ("Accept", html)), "document", null), Is.False, "the document already arrived");
        });

    [Test]
    public void An_internationalised_host_matches_in_its_ascii_form() =>
        Assert.That(
            RequestKinds.IsTopDocument(Request("http://xn--bcher-kva.example/a", ("Accept", "text/html")), "document", new Uri("http://bücher.example/a")),
            Is.True);
}
