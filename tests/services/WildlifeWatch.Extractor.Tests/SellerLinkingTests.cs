using System.Net;
using System.Net.Sockets;
using System.Text;
using SkiaSharp;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Detection.Contacts;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Extractor.Tests;

/// <summary>
/// Listings of two sites, extracted by the real handler with images fetched over HTTP from loopback, are joined into one
/// actor through a shared phone number (written differently on each site) and through a resized, re-encoded photo.
/// </summary>
[NonParallelizable]
public sealed class SellerLinkingTests
{
    private const string CrawlId = "crawl-link";
    private TemporaryStore _temporary = null!;
    private SqlitePipelineStore _store = null!;
    private ImageServer _images = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temporary = await TemporaryStore.CreateAsync(CrawlId, "wtw-linking");
        _store = _temporary.Store;
        using var photo = TestImages.Photo(seed: 21);
        using var resized = TestImages.Resize(photo, 400, 300);
        using var other = TestImages.Photo(seed: 22);
        using var unrelated = TestImages.Photo(seed: 23);
        _images = new ImageServer(new Dictionary<string, byte[]>
        {
            ["/a/tusk.png"] = TestImages.Encode(photo, SKEncodedImageFormat.Png),
            ["/b/tusk-small.jpg"] = TestImages.Encode(resized, SKEncodedImageFormat.Jpeg, 70),
            ["/b/other.jpg"] = TestImages.Encode(other, SKEncodedImageFormat.Jpeg),
            ["/a/unrelated.jpg"] = TestImages.Encode(unrelated, SKEncodedImageFormat.Jpeg),
        });
    }

    [TearDown]
    public void TearDown()
    {
        _images.Dispose();
        _temporary.Dispose();
    }

    [Test]
    public async Task Listings_of_two_sites_join_one_actor_through_a_shared_phone_and_a_reencoded_image()
    {
        using var http = new HttpClient();
        var enricher = new ListingEnricher(new ContactExtractor(), LanguageIdentifier.Default, new HttpImageSource(http));
        var handler = new ExtractionHandler(_store, new ListingExtractor(), LexiconMatcher.LoadDefault(), enricher: enricher);
        var publisher = new RecordingPublishEndpoint();

        // Site A (international format, WhatsApp) and site B (a .vn site, national format) name the same number;
        // listing C on site B shares no contact but shows site A's photo, smaller and as JPEG.
        await handler.HandleAsync(await CaptureAsync("https://market-a.example/item/1",
            Page("Ngà voi nguyên chiếc", "WhatsApp +84 912 345 678", _images.Url("/a/tusk.png"))), publisher);
        await handler.HandleAsync(await CaptureAsync("https://bazar-b.example.vn/ad/7",
            Page("Vòng ngà voi", "Liên hệ 0912.345.678", _images.Url("/b/other.jpg"))), publisher);
        await handler.HandleAsync(await CaptureAsync("https://bazar-b.example.vn/ad/8",
            Page("Ngà voi 2kg", "Inbox để biết giá", _images.Url("/b/tusk-small.jpg"))), publisher);
        await handler.HandleAsync(await CaptureAsync("https://market-a.example/item/2",
            Page("Wooden elephant", "Call +84 987 654 321", _images.Url("/a/unrelated.jpg"))), publisher);

        var published = publisher.Of<ListingExtracted>().ToDictionary(l => l.Url);
        var a = published["https://market-a.example/item/1"];
        var b = published["https://bazar-b.example.vn/ad/7"];
        var c = published["https://bazar-b.example.vn/ad/8"];
        var d = published["https://market-a.example/item/2"];
        var actor = await Actors.OfListingAsync(_store, c.ListingId);

        Assert.Multiple(async () =>
        {
            Assert.That(actor!.ListingIds, Is.EquivalentTo(new[] { a.ListingId, b.ListingId, c.ListingId }));
            Assert.That(actor.Links.Where(l => l.Kind == ContactKinds.Phone).Select(l => l.Evidence), Does.Contain("+84912345678"));
            Assert.That(actor.Links.Single(l => l.Kind == ActorLink.ImageKind).Evidence, Does.Contain("/a/tusk.png").And.Contain("/b/tusk-small.jpg"));
            Assert.That(c.ActorId, Is.EqualTo(actor.Id), "the last listing of the group is published with its actor");
            Assert.That(await Actors.OfListingAsync(_store, d.ListingId), Is.Null, "different phone, different photo");
            Assert.That(a.Images.Single().Format, Is.EqualTo("png"));
            Assert.That(a.Language, Is.EqualTo("vi"));
            Assert.That(await _store.GetArtifactAsync(c.Images.Single().Sha256), Is.Not.Null, "the image is kept as evidence");
        });
    }

    private static string Page(string title, string description, string image) =>
        $$"""
        <html><head><script type="application/ld+json">
        {"@type":"Product","name":"{{title}}","description":"{{description}}","image":"{{image}}",
         "offers":{"price":"1000","priceCurrency":"USD"} }
        </script></head><body><h1>{{title}}</h1></body></html>
        """;

    private Task<PageCaptured> CaptureAsync(string url, string html) => _temporary.CaptureAsync(CrawlId, url, html);

    /// <summary>Serves fixed images on a free loopback port; unknown paths are 404.</summary>
    private sealed class ImageServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public ImageServer(IReadOnlyDictionary<string, byte[]> files)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (HttpListenerException)
                    {
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }

                    if (files.TryGetValue(context.Request.Url!.AbsolutePath, out var body))
                    {
                        context.Response.ContentType = "image/*";
                        await context.Response.OutputStream.WriteAsync(body);
                    }
                    else
                    {
                        context.Response.StatusCode = 404;
                    }

                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
