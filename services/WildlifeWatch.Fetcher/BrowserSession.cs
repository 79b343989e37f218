using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The one Chromium of this process and its pool of browser contexts: at most
/// <see cref="FetcherOptions.MaxConcurrentPages"/> contexts in use and <see cref="FetcherOptions.IdleContexts"/> idle, each serving one host at a time (so a site's cookies
/// never meet another site's), replaced after <see cref="FetcherOptions.ContextMaxPages"/> pages, when its page's
/// JavaScript heap grew past <see cref="FetcherOptions.ContextMaxHeapMb"/>, or after any failed page.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] LaunchArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        // Each context's own capture proxy carries its pages' requests; this one, which does not exist, catches
        // anything a context without one might send, instead of letting it onto the network.
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ];

    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(10);

    /// <summary>The page's JavaScript heap in bytes (0 where the browser does not say), as a script expression.</summary>
    internal const string HeapExpression = "(performance.memory ? performance.memory.usedJSHeapSize : 0)";

    private const string HeapScript = "() => " + HeapExpression;

    private readonly FetcherOptions _options;
    private readonly ILogger<BrowserSession> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _launchGate = new(1, 1);
    private readonly KeyedGate _hosts = new();
    private readonly List<PooledContext> _idle = [];
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IBrowserContext, CaptureProxy> _proxies = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private int _contextsCreated;
    private bool _disposed;

    public BrowserSession(IOptions<FetcherOptions> options, ILogger<BrowserSession>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger ?? NullLogger<BrowserSession>.Instance;
        _slots = new SemaphoreSlim(_options.MaxConcurrentPages, _options.MaxConcurrentPages);
    }

    /// <summary>Contexts opened since start, for tests and the benchmark to see recycling.</summary>
    public int ContextsCreated => Volatile.Read(ref _contextsCreated);

    /// <summary>The capture proxy that carries every request of <paramref name="page"/>'s context.</summary>
    public CaptureProxy ProxyOf(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return _proxies.TryGetValue(page.Context, out var proxy)
            ? proxy
            : throw new InvalidOperationException("the page's context was not opened by this session");
    }

    /// <summary>The version Chromium reports, for the capture manifest; launches the browser if needed.</summary>
    public async Task<string> GetBrowserVersionAsync(CancellationToken ct = default) => (await GetBrowserAsync(ct)).Version;

    /// <summary>
    /// Runs <paramref name="work"/> on a page of the host's context (a new one, or with <see cref="FetcherOptions.ReusePages"/>
    /// the page the context's last healthy capture used), within the context limit.
    /// </summary>
    public Task<T> WithPageAsync<T>(string host, Func<IPage, string, Task<T>> work, CancellationToken ct = default) =>
        WithPageAsync(host, work, static _ => null, ct);

    /// <summary>
    /// As <see cref="WithPageAsync{T}(string, Func{IPage, string, Task{T}}, CancellationToken)"/>; <paramref name="heapOf"/>
    /// gives the page's JavaScript heap (bytes) as the work last read it, if it did, so the session need not ask the
    /// page once more before deciding whether it may be reused.
    /// </summary>
    public async Task<T> WithPageAsync<T>(string host, Func<IPage, string, Task<T>> work, Func<T, double?> heapOf, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(heapOf);
        using var hostTurn = await _hosts.EnterAsync(host.ToLowerInvariant(), ct);
        await _slots.WaitAsync(ct);
        PooledContext? pooled = null;
        var healthy = false;
        try
        {
            var browser = await GetBrowserAsync(ct);
            IPage page;
            using (PipelineTelemetry.Source.StartActivity("browser.new-page"))
            {
                pooled = TakeIdle(host, browser) ?? await NewContextAsync(browser, host);
                // A new page starts a renderer; the context's last page, left healthy, is navigated again instead.
                page = pooled.Page ?? await pooled.Context.NewPageAsync();
                pooled.Page = null;
            }

            using var contextInUse = PipelineTelemetry.TrackBrowserContext();
            page.SetDefaultTimeout(_options.NavigationTimeoutMs);
            page.SetDefaultNavigationTimeout(_options.NavigationTimeoutMs);
            try
            {
                var result = await work(page, browser.Version);
                using (var span = PipelineTelemetry.Source.StartActivity("browser.heap-check"))
                {
                    var reported = heapOf(result);
                    span?.SetTag("wtw.heap-asked", reported is null);
                    healthy = reported is { } heap ? WithinHeapBound(heap) : await WithinHeapBoundAsync(page);
                }

                return result;
            }
            finally
            {
                pooled.Pages++;
                if (healthy)
                {
                    using (PipelineTelemetry.Source.StartActivity("browser.close-page"))
                    {
                        pooled.Page = await KeepOrCloseAsync(page, _options.ReusePages && pooled.Pages < _options.ContextMaxPages);
                    }
                }
            }
        }
        finally
        {
            if (pooled is not null)
            {
                await ReturnAsync(pooled, healthy && pooled.Pages < _options.ContextMaxPages);
            }

            _slots.Release();
        }
    }

    /// <summary>The page itself when it is kept for the context's next capture.</summary>
    private async Task<IPage?> KeepOrCloseAsync(IPage page, bool keep)
    {
        if (keep)
        {
            return page;
        }

        await CloseQuietlyAsync(page.CloseAsync(), "page");
        return null;
    }

    private PooledContext? TakeIdle(string host, IBrowser browser)
    {
        lock (_idle)
        {
            var found = _idle.FindIndex(c => c.Host.Equals(host, StringComparison.OrdinalIgnoreCase) && c.Browser == browser);
            if (found < 0)
            {
                return null;
            }

            var pooled = _idle[found];
            _idle.RemoveAt(found);
            return pooled;
        }
    }

    private async Task<PooledContext> NewContextAsync(IBrowser browser, string host)
    {
        var proxy = new CaptureProxy(_options.MaxResourceBytes, _logger);
        IBrowserContext context;
        try
        {
            context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                UserAgent = _options.UserAgent,
                ViewportSize = new ViewportSize { Width = _options.ViewportWidth, Height = _options.ViewportHeight },
                AcceptDownloads = false,
                ServiceWorkers = ServiceWorkerPolicy.Block,
                // Loopback included (Playwright proxies it unless told otherwise): nothing the page asks for goes around it.
                Proxy = new Proxy { Server = proxy.Address.GetLeftPart(UriPartial.Authority) },
                // The browser's TLS peer is the proxy, with a certificate of its own making; the site's certificate
                // is checked where the real connection is made, in the guarded client.
                IgnoreHTTPSErrors = true,
            });
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        _proxies.AddOrUpdate(context, proxy);
        Interlocked.Increment(ref _contextsCreated);
        return new PooledContext(browser, host, context, proxy);
    }

    private async Task ReturnAsync(PooledContext pooled, bool reuse)
    {
        var closing = new List<PooledContext>();
        lock (_idle)
        {
            if (reuse && !_disposed)
            {
                _idle.Add(pooled);
            }
            else
            {
                closing.Add(pooled);
            }

            // Beyond the idle bound, the least recently used contexts go. Keeping a few lets a crawl that interleaves
            // more hosts than it has slots find its host's context instead of creating one per page.
            while (_idle.Count > _options.IdleContexts)
            {
                closing.Add(_idle[0]);
                _idle.RemoveAt(0);
            }
        }

        foreach (var context in closing)
        {
            await CloseQuietlyAsync(context.Context.CloseAsync(), "context");
            await context.Proxy.DisposeAsync();
        }
    }

    private bool WithinHeapBound(double heapBytes) => heapBytes <= _options.ContextMaxHeapMb * 1024.0 * 1024.0;

    private async Task<bool> WithinHeapBoundAsync(IPage page)
    {
        try
        {
            return WithinHeapBound(await page.EvaluateAsync<double>(HeapScript).WaitAsync(TimeSpan.FromSeconds(2)));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return false;
        }
    }

    private async Task CloseQuietlyAsync(Task close, string what)
    {
        try
        {
            await close.WaitAsync(CloseBound);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // A renderer stuck in a script can refuse to close; the browser is restarted rather than left spinning.
            _logger.LogWarning("Closing a browser {What} failed ({Reason}); restarting Chromium", what, e.Message);
            await RestartBrowserAsync();
        }
    }

    private async Task RestartBrowserAsync()
    {
        await _launchGate.WaitAsync();
        try
        {
            if (_browser is not null)
            {
                var old = _browser;
                _browser = null;
                List<PooledContext> gone;
                lock (_idle)
                {
                    gone = _idle.FindAll(c => c.Browser == old);
                    _idle.RemoveAll(c => c.Browser == old);
                }

                await old.CloseAsync().WaitAsync(CloseBound).ContinueWith(_ => { }, TaskScheduler.Default);
                foreach (var context in gone)
                {
                    await context.Proxy.DisposeAsync();
                }
            }
        }
        finally
        {
            _launchGate.Release();
        }
    }

    private async Task<IBrowser> GetBrowserAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_browser is { IsConnected: true } ready)
        {
            return ready;
        }

        await _launchGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_browser is { IsConnected: true } launched)
            {
                return launched;
            }

            if (_browser is not null)
            {
                // The browser crashed or was killed: start a new one rather than failing every page after.
                _logger.LogWarning("Chromium disconnected; launching a new instance");
                await _browser.DisposeAsync();
                _browser = null;
            }

            var executable = ChromiumLocator.Resolve(_options);
            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = _options.Headless,
                Args = LaunchArgs,
                Timeout = _options.NavigationTimeoutMs,
            });
            _logger.LogInformation("Launched Chromium {Version} from {Path}", _browser.Version, executable);
            return _browser;
        }
        finally
        {
            _launchGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _launchGate.WaitAsync();
        try
        {
            _disposed = true;
            List<PooledContext> idle;
            lock (_idle)
            {
                idle = [.. _idle];
                _idle.Clear();
            }

            foreach (var context in idle)
            {
                await context.Proxy.DisposeAsync();
            }

            if (_browser is not null)
            {
                await _browser.CloseAsync();
                await _browser.DisposeAsync();
                _browser = null;
            }

            _playwright?.Dispose();
            _playwright = null;
        }
        finally
        {
            _launchGate.Release();
        }

        // The semaphores are left undisposed on purpose: a page still finishing must be able to release its slot.
    }

    private sealed class PooledContext(IBrowser browser, string host, IBrowserContext context, CaptureProxy proxy)
    {
        public CaptureProxy Proxy { get; } = proxy;

        public IBrowser Browser { get; } = browser;

        public string Host { get; } = host;

        public IBrowserContext Context { get; } = context;

        public int Pages { get; set; }

        /// <summary>The page the context's last capture left healthy, when pages are reused.</summary>
        public IPage? Page { get; set; }
    }
}
