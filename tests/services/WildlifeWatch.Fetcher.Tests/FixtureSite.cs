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
internal sealed class FixtureSite : IAsyncDisposable
{
    public const string ScriptRenderedPhrase = "Carved ivory bangle, antique, ships worldwide";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, DateTimeOffset At)> _requests = new();
    private readonly ConcurrentDictionary<string, int> _flakyCounts = new(StringComparer.Ordinal);

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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            _requests.Enqueue((context.Request.Path.Value ?? "/", DateTimeOffset.UtcNow));
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
                }, 150);
              });
            </script>
            </body></html>
            """));
        app.MapGet("/api/listing/17", () => Results.Json(new
        {
            title = "Listing 17",
            parts = ScriptRenderedPhrase.Split(' '),
        }));

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
    }

    private static IResult Html(string html) => Results.Text(html, "text/html; charset=utf-8");
}
