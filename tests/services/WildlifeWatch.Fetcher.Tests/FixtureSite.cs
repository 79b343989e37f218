using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>A small marketplace-like site on 127.0.0.1 that counts and timestamps every request it serves.</summary>
public sealed class FixtureSite : IAsyncDisposable
{
    public const string ScriptRenderedPhrase = "Carved ivory bangle, antique, ships worldwide";

    public const string EarlyPhrase = "Tortoiseshell comb, first version";

    public const string LatePhrase = "Tortoiseshell comb, price lowered";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, DateTimeOffset At)> _requests = new();
    private readonly ConcurrentDictionary<string, int> _flakyCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string? Cookie)> _cookies = new();

    private FixtureSite(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<FixtureSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var site = new FixtureSite(app);
        site.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");

        // The first request through a cold pipeline is slowed by JIT; timing tests must not see that.
        using var client = new HttpClient();
        await client.GetStringAsync(site.Url("/plain/0"));
        return site;
    }

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public int CountOf(string path) => _requests.Count(r => r.Path == path);

    public IReadOnlyList<DateTimeOffset> TimesOf(string pathPrefix) =>
        _requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).Select(r => r.At).Order().ToList();

    /// <summary>The Cookie header of each request for <paramref name="path"/>, null where none was sent.</summary>
    public IReadOnlyList<string?> CookiesOf(string path) => _cookies.Where(c => c.Path == path).Select(c => c.Cookie).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The listing the script-rendered pages fetch and write into their DOM.</summary>
    private static IResult Listing17() => Results.Json(new { title = "Listing 17", parts = ScriptRenderedPhrase.Split(' ') });

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            _requests.Enqueue((context.Request.Path.Value ?? "/", DateTimeOffset.UtcNow));
            _cookies.Enqueue((context.Request.Path.Value ?? "/", context.Request.Headers.Cookie.Count == 0 ? null : context.Request.Headers.Cookie.ToString()));
            await next(context);
        });

        // The listing text exists only after the script fetched and rendered it.
        app.MapGet("/js-listing", () => Html(
            """
            <!doctype html><html><head><title>Listing 17</title></head><body>
            <h1 id="title">Loading...</h1>
            <p id="desc"></p>
            <a href="/seller/42#reviews">Seller</a>
            <a href="/seller/42">Seller again</a>
            <a href="related?page=2#top">Related</a>
            <a href="http://other.invalid/item">Elsewhere</a>
            <a href="mailto:someone@example.invalid">Mail</a>
            <a href="javascript:void(0)">Nothing</a>
            <a href="#">Top</a>
            <script>
              window.addEventListener('load', () => {
                setTimeout(async () => {
                  const r = await fetch('/api/listing/17');
                  const d = await r.json();
                  document.getElementById('title').textContent = d.title;
                  document.getElementById('desc').textContent = d.parts.join(' ');
                }, 120);
              });
            </script>
            </body></html>
            """));
        app.MapGet("/js-listing-now", () => Html(
            """
            <!doctype html><html><head><title>Listing 17</title></head><body>
            <h1 id="title">Loading...</h1>
            <p id="desc"></p>
            <script>
              fetch('/api/listing/17').then(r => r.json()).then(d => {
                document.getElementById('title').textContent = d.title;
                document.getElementById('desc').textContent = d.parts.join(' ');
              });
            </script>
            </body></html>
            """));
        // Forgets its resource timing once it has its listing: the fetcher can never see that the response arrived.
        app.MapGet("/js-listing-forgetful", () => Html(
            """
            <!doctype html><html><head><title>Listing 17</title></head><body>
            <p id="desc">Loading...</p>
            <script>
              fetch('/api/listing/17').then(r => r.json()).then(d => {
                document.getElementById('desc').textContent = d.parts.join(' ');
                performance.clearResourceTimings();
              });
            </script>
            </body></html>
            """));
        // Its listing comes in a frame of the same site, whose requests the top document's timing never lists.
        app.MapGet("/framed-listing", () => Html(
            """
            <!doctype html><html><head><title>Framed</title></head><body>
            <h1>Framed listing</h1><iframe src="/js-listing-now" width="400" height="200"></iframe>
            </body></html>
            """));
        app.MapGet("/api/listing/17", Listing17);
        // Asked for on load and answered 150 ms later: the page's first frame after load comes with the request open.
        app.MapGet("/js-listing-slow", () => Html(
            """
            <!doctype html><html><head><title>Listing 17</title></head><body>
            <h1 id="title">Loading...</h1>
            <p id="desc"></p>
            <script>
              window.addEventListener('load', async () => {
                const d = await (await fetch('/api/listing/slow')).json();
                document.getElementById('title').textContent = d.title;
                document.getElementById('desc').textContent = d.parts.join(' ');
              });
            </script>
            </body></html>
            """));
        app.MapGet("/api/listing/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(150), context.RequestAborted);
            return Listing17();
        });

        // Shows its listing only to a visitor who chose a region, as sites with a region gate do.
        app.MapGet("/region-gate/{id}", (HttpContext context, string id) => context.Request.Cookies["region"] == "eu"
            ? Html($"<html><body><h1>{CookieGatedPhrase}</h1><img src='/gate-pixel/{id}.png'></body></html>")
            : Html("<html><body><h1>Choose your region</h1></body></html>"));
        app.MapGet("/gate-pixel/{name}", () => Results.Bytes(PngHeader(2, 2), "image/png"));
        // Parsing stops for 150 ms before the page asks for its stylesheet; nothing is requested after load.
        app.MapGet("/parse-pause", () => Html(
            """
            <html><head><script>
              const end = Date.now() + 150;
              while (Date.now() < end) { }
              const sheet = document.createElement('link');
              sheet.rel = 'stylesheet';
              sheet.href = '/parse-pause.css';
              document.head.append(sheet);
            </script></head><body><h1>Parsed</h1></body></html>
            """));
        app.MapGet("/parse-pause.css", () => Results.Text("h1 { color: #333 }", "text/css"));
        // Nothing is requested after load, but 400 ms later a script rewrites the heading and turns the page from red to
        // green: only the DOM shows the change.
        app.MapGet("/late-text", () => Html(
            $$"""
            <html><head><style>body { margin: 0; background: #f00 } body.late { background: #0f0 }</style></head>
            <body><h1 id="h">{{EarlyPhrase}}</h1><script>
              window.addEventListener('load', () => setTimeout(() => {
                document.getElementById('h').textContent = '{{LatePhrase}}';
                document.body.className = 'late';
              }, 400));
            </script></body></html>
            """));
        // Fades in over 600 ms after load: a screenshot during the fade shows a washed-out page; the DOM never changes.
        app.MapGet("/fade-in", () => Html(
            """
            <html><head><style>
              @keyframes appear { from { opacity: 0 } to { opacity: 1 } }
              body { margin: 0; background: #fff } main { height: 300px; background: #0f0; animation: appear 600ms linear }
            </style></head><body><main><h1>Ivory carvings</h1></main></body></html>
            """));
        // Rewrites its clock every 10 ms, forever, without a request.
        app.MapGet("/ticking", () => Html(
            """
            <html><body><h1>Live auction</h1><p id="t"></p><script>
              setInterval(() => { document.getElementById('t').textContent = String(Date.now()); }, 10);
            </script></body></html>
            """));
        // Keeps some 60 MB of objects on its JavaScript heap once loaded.
        app.MapGet("/heavy-heap", () => Html(
            "<html><body><h1>Auction archive</h1><script>window.hog = Array.from({ length: 3000000 }, (_, i) => ({ i }));</script></body></html>"));
        // As tall and wide as the viewport, its last row and column blue: a screenshot shows all of it or misses an edge.
        app.MapGet("/corners", () => Html(
            """
            <html><head><style>
              html, body { margin: 0; height: 100%; overflow: hidden; background: #fff }
              #right { position: fixed; top: 0; right: 0; width: 1px; height: 100%; background: #00f }
              #bottom { position: fixed; left: 0; bottom: 0; height: 1px; width: 100%; background: #00f }
            </style></head><body><h1>Ivory</h1><div id="right"></div><div id="bottom"></div></body></html>
            """));
        app.MapGet("/tall", () => Html("<html><body style='margin:0'><div style='height:3000px;background:#c33'>top</div><p>bottom</p></body></html>"));
        app.MapGet("/anchors", () => Html(
            """
            <html><body><h1>Category</h1>
            <a href="/item/1">Carved   <b>ivory</b> bangle</a>
            <a href="/item/1">antique</a>
            <a href="/help">Help</a>
            <a href="/item/2"><img src="/small.png" alt=""></a>
            </body></html>
            """));

        app.MapGet("/flaky", (HttpContext context) =>
        {
            var n = _flakyCounts.AddOrUpdate("/flaky", 1, (_, c) => c + 1);
            if (n <= 2)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.Text("busy", "text/plain", statusCode: 503);
            }

            return Html("<html><body><h1>Finally here</h1></body></html>");
        });

        app.MapGet("/missing", () => Results.Text("<html><body>gone</body></html>", "text/html", statusCode: 404));
        app.MapGet("/catalogue.pdf", () => Results.Bytes(Encoding.ASCII.GetBytes("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "application/pdf"));
        app.MapGet("/redirect", () => Results.Redirect("/landing"));
        app.MapGet("/landing", () => Html("<html><body><h1>Landing page</h1><a href='/redirect'>again</a></body></html>"));
        app.MapGet("/plain/{n}", (int n) => Html($"<html><body><h1>Page {n}</h1></body></html>"));
        app.MapGet("/hang", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Html("<html><body>late</body></html>");
        });
        MapHostile(app);
    }

    private void MapHostile(WebApplication app)
    {
        app.MapGet("/infinite-loop", () => Html("<html><body><h1>Spinning</h1><script>while (true) { }</script></body></html>"));
        app.MapGet("/huge", async (HttpContext context) =>
        {
            // 50 MB, streamed without a Content-Length: only a bound on what is read can stop it.
            context.Response.ContentType = "text/html; charset=utf-8";
            var chunk = Encoding.ASCII.GetBytes("<p>" + new string('x', 1020) + "</p>\n");
            await context.Response.WriteAsync("<html><body>", context.RequestAborted);
            for (var sent = 0L; sent < HugePageBytes && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted).AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        app.MapGet("/bad-redirect", (HttpContext context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "http://[not-an-address/";
        });
        app.MapGet("/redirect-loop/{n:int}", (int n) => Results.Redirect($"/redirect-loop/{(n + 1) % 3}"));
        app.MapGet("/gzip-bomb", () =>
        {
            var response = Results.Bytes(GzipBomb.Value, "text/html; charset=utf-8");
            return new WithHeader(response, "Content-Encoding", "gzip");
        });
        app.MapGet("/bomb-image-page", () => Html(
            "<html><body><h1>Tiger skin rug</h1><img src='/bomb.png'><img src='/small.png'></body></html>"));
        app.MapGet("/bomb.png", () => Results.Bytes(PngHeader(60_000, 60_000), "image/png"));
        app.MapGet("/small.png", () => Results.Bytes(PngHeader(2, 2), "image/png"));
        app.MapGet("/binary-as-html", () => Results.Bytes(BinaryBody, "text/html"));
        app.MapGet("/broken-utf8", () => Results.Bytes(
            [.. Encoding.UTF8.GetBytes("<html><body><h1>Pangolin scales "), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(" 50 kg</h1></body></html>")],
            "text/html; charset=utf-8"));
        app.MapGet("/gzipped", () => new WithHeader(Results.Bytes(GzippedPage, "text/html; charset=utf-8"), "Content-Encoding", "gzip"));
        app.MapGet("/media-page", () => Html(
            """
            <html><head><style>@font-face { font-family: Shop; src: url(/font.woff2); } body { font-family: Shop; }</style></head>
            <body><h1>Python skin boots</h1><img src="/small.png"><video src="/clip.mp4" autoplay muted preload="auto"></video></body></html>
            """));
        app.MapGet("/font.woff2", () => Results.Bytes(new byte[64], "font/woff2"));
        app.MapGet("/clip.mp4", () => Results.Bytes(new byte[64], "video/mp4"));
        app.MapGet("/private-subresources", () => Html(
            """
            <html><body><h1>Rhino horn cup</h1>
            <img src="http://169.254.169.254/latest/meta-data/iam.png">
            <script>fetch('http://10.0.0.1/admin').catch(() => {});</script>
            </body></html>
            """));
        app.MapGet("/private-redirect", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        app.MapGet("/rate-limited", (HttpContext context) =>
        {
            var n = _flakyCounts.AddOrUpdate("/rate-limited", 1, (_, c) => c + 1);
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "2";
                return Results.Text("slow down", "text/plain", statusCode: 429);
            }

            return Html("<html><body><h1>Served after the pause</h1></body></html>");
        });
        app.MapGet("/down", () => Results.Text("maintenance", "text/plain", statusCode: 503));
        app.MapGet("/static-page", () => Html(
            "<html><head><title>Static</title></head><body><h1>Ivory carving, 19th century</h1>" +
            string.Concat(Enumerable.Repeat("<p>Hand carved figure of a fisherman, signed on the base, from an estate collection. </p>", 6)) +
            "<a href='/plain/1'>next</a></body></html>"));
    }

    public const string CookieGatedPhrase = "Rhino horn bowl, region-gated listing";

    public const long HugePageBytes = 50L * 1024 * 1024;

    public const string GzippedPhrase = "Live African grey parrot, hand reared, with papers";

    /// <summary>The exact bytes /gzipped sends, content-coded: what a WARC response record must reproduce.</summary>
    public static readonly byte[] GzippedPage = Gzip(Encoding.UTF8.GetBytes($"<html><body><h1>{GzippedPhrase}</h1></body></html>"));

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        // 64 MB of spaces compress to about 64 KB.
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            var block = new byte[1024 * 1024];
            block.AsSpan().Fill((byte)' ');
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(block);
            }
        }

        return output.ToArray();
    });

    // An ELF header followed by NULs and noise: what an executable looks like.
    private static readonly byte[] BinaryBody = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. new byte[64], .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 256))];

    /// <summary>A PNG signature and IHDR claiming the given size; the refusal must not need the pixels.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var png = new byte[33];
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        signature.CopyTo(png, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        png[24] = 8;
        png[25] = 6;
        return png;
    }

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static IResult Html(string html) => Results.Text(html, "text/html; charset=utf-8");
}
