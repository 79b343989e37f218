using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WildlifeWatch.Scheduler.Tests.Fixtures;

/// <summary>A site on 127.0.0.1 (a free port) whose pages a test sets up; anything else answers 404. Records every request.</summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Response> _routes;

    private LoopbackSite(WebApplication app, ConcurrentDictionary<string, Response> routes, Uri baseUrl)
    {
        _app = app;
        _routes = routes;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<string> Requested { get; } = new();

    public string Url(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery).AbsoluteUri;

    public static async Task<LoopbackSite> StartAsync()
    {
        var routes = new ConcurrentDictionary<string, Response>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls=", "--http_ports=", "--https_ports="] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackSite? site = null;
        app.Run(async context =>
        {
            var key = context.Request.Path.Value + context.Request.QueryString.Value;
            site?.Requested.Enqueue(key);
            if (!routes.TryGetValue(key, out var response))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            if (response.Location is not null)
            {
                context.Response.Headers.Location = response.Location;
            }

            await context.Response.Body.WriteAsync(response.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new LoopbackSite(app, routes, new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/"));
        return site;
    }

    public void Serve(string pathAndQuery, string body, string contentType = "text/html; charset=utf-8", int status = 200) =>
        _routes[pathAndQuery] = new Response(status, contentType, Encoding.UTF8.GetBytes(body), null);

    public void ServeGzip(string pathAndQuery, string body, string contentType = "application/x-gzip")
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(body));
        }

        _routes[pathAndQuery] = new Response(200, contentType, buffer.ToArray(), null);
    }

    public void Redirect(string pathAndQuery, string location, int status = 302) =>
        _routes[pathAndQuery] = new Response(status, "text/html", [], location);

    public void Remove(string pathAndQuery) => _routes.TryRemove(pathAndQuery, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Response(int Status, string ContentType, byte[] Body, string? Location);
}
