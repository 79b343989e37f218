using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Store.Sqlite;

// Crawls the demo marketplace with the fetcher's own capture path (no bus, no store writes) and prints pages/s and
// the peak resident memory of this process and its Chromium, for browser mode at 1, 2 and 4 contexts and for HTTP mode.
// The marketplace is served on four loopback addresses: a context serves one host at a time, so parallel contexts
// need parallel hosts, as a real crawl across sites has.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Fetcher -- [--pages N] [--hosts N]
var pages = Arg("--pages", 500);
var hostCount = Arg("--hosts", 4);
var servers = new List<DemoMarketplaceServer>();
for (var i = 1; i <= hostCount; i++)
{
    servers.Add(await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = $"127.0.0.{i}" }));
}

var directory = Directory.CreateTempSubdirectory("wtw-bench-fetch-");
try
{
    using var store = new SqlitePipelineStore(Path.Combine(directory.FullName, "pipeline.db"));
    await store.InitializeAsync();
    Console.WriteLine($"Demo marketplace on {string.Join(", ", servers.Select(s => s.BaseUrl))}; {pages} pages per run; {Environment.ProcessorCount} cores");
    Console.WriteLine($"{"mode",-8} {"contexts",8} {"pages",6} {"failed",6} {"seconds",8} {"pages/s",8} {"peak RSS MB",12}");
    foreach (var (mode, contexts) in new[] { (RenderMode.Browser, 1), (RenderMode.Browser, 2), (RenderMode.Browser, 4), (RenderMode.Http, 4) })
    {
        var result = await RunAsync(mode, contexts);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mode,-8} {(mode == RenderMode.Http ? "-" : contexts.ToString(CultureInfo.InvariantCulture)),8} {result.Pages,6} {result.Failed,6} {result.Seconds,8:F1} {result.Pages / result.Seconds,8:F2} {result.PeakRssMb,12:F0}"));
    }

    async Task<(int Pages, int Failed, double Seconds, double PeakRssMb)> RunAsync(string mode, int contexts)
    {
        var options = new FetcherOptions
        {
            MaxConcurrentPages = contexts,
            PerHostMinDelayMs = 0,
            AllowedPrivateNetworks = "127.0.0.0/8",
            RenderMode = mode,
            MaxAttempts = 1,
        };
        var wrapped = Options.Create(options);
        await using var browser = new BrowserSession(wrapped);
        using var http = new GuardedHttpClient(wrapped);
        var politeness = new HostPoliteness(store, wrapped);
        var capturer = new PageCapturer(
            new BrowserPageLoader(browser, http, politeness, wrapped), new HttpPageLoader(http, politeness, wrapped), new HostCircuitBreakers(wrapped), wrapped);
        if (mode == RenderMode.Browser)
        {
            // Started before the clock: the launch is not a page.
            await browser.GetBrowserVersionAsync();
        }

        var frontier = new ConcurrentQueue<Uri>(servers.Select(s => s.BaseUrl));
        var seen = new ConcurrentDictionary<string, bool>(servers.Select(s => KeyValuePair.Create(s.BaseUrl.AbsoluteUri, true)));
        var hosts = servers.Select(s => s.BaseUrl.Authority).ToHashSet();
        var done = 0;
        var failed = 0;
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessTreeRss());
                await Task.Delay(200).ConfigureAwait(false);
            }
        });
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, contexts).Select(async _ =>
        {
            while (Interlocked.Increment(ref done) <= pages)
            {
                if (!frontier.TryDequeue(out var url))
                {
                    // The crawl ran out of new pages: fetch the known ones again, as revisits would.
                    url = new Uri(seen.Keys.ElementAt(Random.Shared.Next(seen.Count)));
                }

                try
                {
                    var page = await capturer.CaptureAsync(url, mode);
                    foreach (var link in page.Outlinks)
                    {
                        var uri = new Uri(link);
                        if (hosts.Contains(uri.Authority) && seen.TryAdd(uri.AbsoluteUri, true))
                        {
                            frontier.Enqueue(uri);
                        }
                    }
                }
                catch (FetchException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        return (pages, failed, seconds, peak / 1024.0 / 1024.0);
    }
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }

    directory.Delete(recursive: true);
}

int Arg(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

// This process and every descendant (Playwright's driver, Chromium and its renderers), from /proc.
static long ProcessTreeRss()
{
    var parents = new Dictionary<int, int>();
    var rss = new Dictionary<int, long>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
        {
            continue;
        }

        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            rss[pid] = long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            // The process ended while we looked.
        }
    }

    var self = Environment.ProcessId;
    long total = 0;
    foreach (var (pid, bytes) in rss)
    {
        for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
        {
            if (p == self)
            {
                total += bytes;
                break;
            }
        }
    }

    return total;
}
