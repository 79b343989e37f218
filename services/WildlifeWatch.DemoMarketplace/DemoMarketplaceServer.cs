using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>How a demo listing disappears: 404, 410, a "removed" notice on the page (200), or a redirect to a search.</summary>
public enum ListingRemoval
{
    NotFound,
    Gone,
    RemovedNotice,
    RedirectToSearch,
}

/// <summary>
/// A fake marketplace served by Kestrel on a loopback address inside the caller's process.
/// Listing content is rendered by JavaScript from a JSON API, so only a script-running crawler sees it.
/// </summary>
public sealed class DemoMarketplaceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SiteState _site;
    private int _disposed;

    private DemoMarketplaceServer(WebApplication app, SiteState site, Uri baseUrl, IReadOnlyList<GroundTruthEntry> groundTruth)
    {
        _app = app;
        _site = site;
        BaseUrl = baseUrl;
        GroundTruth = groundTruth;
    }

    /// <summary>Root of the site, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; }

    public IReadOnlyList<GroundTruthEntry> GroundTruth { get; }

    /// <summary>Every path and query served so far, in arrival order (a snapshot).</summary>
    public IReadOnlyCollection<string> RequestedPaths => _site.Requested.ToArray();

    /// <summary>Every request answered so far, with its times and who asked, in completion order (a snapshot).</summary>
    public IReadOnlyList<DemoRequest> RequestLog => _site.Log.ToArray();

    public Uri ListingUrl(string id) => new(BaseUrl, $"item/{Uri.EscapeDataString(id)}");

    /// <summary>The sitemap index (listings in a gzip sitemap, navigation pages in a plain one); robots.txt does not name it.</summary>
    public Uri SitemapUrl => new(BaseUrl, "sitemap.xml");

    /// <summary>Takes a listing down the way marketplaces do, so tests can watch its removal be noticed.</summary>
    public void RemoveListing(string id, ListingRemoval how)
    {
        if (!_site.Catalog.ById.ContainsKey(id))
        {
            throw new ArgumentException($"The demo marketplace has no listing '{id}'.", nameof(id));
        }

        _site.Removed[id] = how;
    }

    public static async Task<DemoMarketplaceServer> StartAsync(DemoMarketplaceOptions? options = null, CancellationToken ct = default)
    {
        options ??= new DemoMarketplaceOptions();
        var address = ResolveLoopback(options.Host);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageSize, 1, nameof(options));

        var catalog = Catalog.Shared;
        var groundTruth = global::WildlifeWatch.DemoMarketplace.GroundTruth.Load();
        var site = new SiteState(catalog, options.PageSize);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Command-line values override the ASPNETCORE_URLS/HTTP_PORTS the web host snapshots at creation;
            // blank, they leave Kestrel.Listen below as the only binding (and no "Overriding address" warning).
            Args = ["--urls=", "--http_ports=", "--https_ports="],
            ApplicationName = typeof(DemoMarketplaceServer).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = SiteFiles.Root,
            WebRootPath = Path.Combine(SiteFiles.Root, "wwwroot"),
        });

        // A fresh configuration: the caller's appsettings and ASPNETCORE_/DOTNET_ variables (URLS, HTTP_PORTS...) must not leak in.
        builder.Configuration.Sources.Clear();

        // Embedded in someone else's process: Ctrl+C and SIGTERM belong to the caller, not to this host.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
        });

        var app = builder.Build();
        SiteEndpoints.Map(app, site);
        try
        {
            await app.StartAsync(ct);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no bound address.");
            site.Port = new Uri(bound).Port;
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            var baseUrl = new Uri($"http://{host}:{site.Port}/");
            return new DemoMarketplaceServer(app, site, baseUrl, groundTruth);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
    }

    private static IPAddress ResolveLoopback(string? host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The demo marketplace only listens on a loopback address; '{host}' is not one.", nameof(host));
        }

        return address;
    }

    /// <summary>A host lifetime that ignores console signals; the owner disposes the server.</summary>
    private sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
