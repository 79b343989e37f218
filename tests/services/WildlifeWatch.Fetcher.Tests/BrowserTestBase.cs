using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>
/// A real Chromium and a loopback fixture site, shared by a fixture's tests, and a fresh store per test. Without
/// Chromium these tests fail with the install instructions: a crawler that cannot render is not a passing crawler.
/// </summary>
public abstract class BrowserTestBase
{
    protected const string CrawlId = "crawl-test";

    private TemporaryStore _temporary = null!;

    protected FixtureSite Site { get; private set; } = null!;

    protected BrowserSession Browser { get; private set; } = null!;

    protected SqlitePipelineStore Store { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartBrowserAndSite()
    {
        var options = BaseOptions();
        try
        {
            ChromiumLocator.Resolve(options);
        }
        catch (ChromiumNotFoundException ex)
        {
            Assert.Fail(ex.Message);
        }

        Site = await FixtureSite.StartAsync();
        Browser = new BrowserSession(Options.Create(options));
    }

    [OneTimeTearDown]
    public async Task StopBrowserAndSite()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }

    [SetUp]
    public async Task CreateStore()
    {
        _temporary = await TemporaryStore.CreateAsync(CrawlId, "wtw-fetcher");
        Store = _temporary.Store;
    }

    [TearDown]
    public void DeleteStore() => _temporary.Dispose();

    /// <summary>The capturer as the module wires it, over a shared browser.</summary>
    public static PageCapturer Capturer(BrowserSession browser, IPipelineStore store, FetcherOptions options)
    {
        var wrapped = Options.Create(options);
        var politeness = new HostPoliteness(store, wrapped);
        var http = new GuardedHttpClient(wrapped);
        return new PageCapturer(
            new BrowserPageLoader(browser, http, politeness, wrapped),
            new HttpPageLoader(http, politeness, wrapped),
            new HostCircuitBreakers(wrapped),
            wrapped);
    }

    /// <summary>The browser loader alone, over the shared browser, for tests of what it renders and takes.</summary>
    protected BrowserPageLoader Loader(FetcherOptions options)
    {
        var wrapped = Options.Create(options);
        return new BrowserPageLoader(Browser, new GuardedHttpClient(wrapped), new HostPoliteness(Store, wrapped), wrapped);
    }

    // The fixture site is on loopback, which the SSRF guard refuses unless allowed.
    public static FetcherOptions BaseOptions() => new()
    {
        PerHostMinDelayMs = 0,
        NetworkIdleTimeoutMs = 3000,
        MaxConcurrentPages = 2,
        AllowedPrivateNetworks = "127.0.0.0/8",
    };

    protected (CaptureHandler Handler, RecordingPublishEndpoint Publisher) Handler(Action<FetcherOptions>? configure = null)
    {
        var options = BaseOptions();
        configure?.Invoke(options);
        return (new CaptureHandler(Store, Capturer(Browser, Store, options)), new RecordingPublishEndpoint());
    }

    protected FetchRequested Request(string pathOrUrl, bool absolute = false, string? renderMode = null)
    {
        var url = absolute ? pathOrUrl : Site.Url(pathOrUrl).AbsoluteUri;
        return new FetchRequested(Guid.NewGuid(), CrawlId, "seed-1", url, url.ToLowerInvariant(), 1, DateTimeOffset.UtcNow, renderMode);
    }
}
