using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The one Chromium of this process. Each page gets its own browser context so that no cookie, cache
/// or storage of one capture can leak into another: every capture is evidence on its own.
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
    ];

    private readonly FetcherOptions _options;
    private readonly ILogger<BrowserSession> _logger;
    private readonly SemaphoreSlim _pages;
    private readonly SemaphoreSlim _launchGate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private bool _disposed;

    public BrowserSession(IOptions<FetcherOptions> options, ILogger<BrowserSession>? logger = null)
    {
        _options = options.Value;
        _logger = logger ?? NullLogger<BrowserSession>.Instance;
        _pages = new SemaphoreSlim(_options.MaxConcurrentPages, _options.MaxConcurrentPages);
    }

    /// <summary>The version Chromium reports, for the capture manifest; launches the browser if needed.</summary>
    public async Task<string> GetBrowserVersionAsync(CancellationToken ct = default) => (await GetBrowserAsync(ct)).Version;

    /// <summary>Runs <paramref name="work"/> on a fresh page in a fresh context, within the page limit.</summary>
    public async Task<T> WithPageAsync<T>(Func<IPage, string, Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _pages.WaitAsync(ct);
        try
        {
            var browser = await GetBrowserAsync(ct);
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                UserAgent = _options.UserAgent,
                ViewportSize = new ViewportSize { Width = _options.ViewportWidth, Height = _options.ViewportHeight },
                AcceptDownloads = false,
                ServiceWorkers = ServiceWorkerPolicy.Block,
            });
            using var contextInUse = PipelineTelemetry.TrackBrowserContext();
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(_options.NavigationTimeoutMs);
            page.SetDefaultNavigationTimeout(_options.NavigationTimeoutMs);
            return await work(page, browser.Version);
        }
        finally
        {
            _pages.Release();
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
}
