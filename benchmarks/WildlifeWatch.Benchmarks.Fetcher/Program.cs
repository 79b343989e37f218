using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Benchmarks.Fetcher;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Store.Sqlite;

// The fetcher side by side with its peers on the SAME list of JavaScript-rendered listing pages of the demo
// marketplace (served on four loopback addresses, the list spread over them), at 1, 2 and 4 pages in flight:
//   ours, full capture  - the fetcher service's CaptureHandler: browser render, screenshot, WARC, DOM, text, manifest,
//                         every artifact hashed and stored in SQLite, PageCaptured published (in-memory bus);
//   ours, capture off   - the same browser path without screenshot, WARC and store (DOM, text and links only);
//   Crawlee             - PlaywrightCrawler from npm (benchmarks/peers/crawlee.mjs) driving the same Chromium;
//   raw Playwright      - goto + content in Node with playwright-core (benchmarks/peers/raw-playwright.mjs), the limit;
// and our HTTP mode. No per-host politeness delay for anyone. Pages/s and the peak RSS of each fetcher's process
// tree (ours includes the in-process demo marketplace).
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Fetcher -- [--pages N] [--runs N]
//        [--warmup-pages N] [--concurrency 1,2,4] [--no-peers] [--peers DIR]
var o = FetchBenchOptions.Parse(args);
var servers = new List<DemoMarketplaceServer>();
for (var i = 1; i <= 4; i++)
{
    servers.Add(await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = $"127.0.0.{i}" }));
}

var directory = Directory.CreateTempSubdirectory("wtw-bench-fetch-");
try
{
    var pages = PageList.Build(servers, o.Pages);
    var warmup = PageList.Build(servers, o.WarmupPages, offset: o.Pages);
    var urlsFile = Path.Combine(directory.FullName, "urls.txt");
    var warmupFile = Path.Combine(directory.FullName, "warmup.txt");
    await File.WriteAllLinesAsync(urlsFile, pages.Select(u => u.AbsoluteUri));
    await File.WriteAllLinesAsync(warmupFile, warmup.Select(u => u.AbsoluteUri));
    Console.WriteLine($"Fetcher benchmark: {pages.Count} distinct listing pages over {servers.Count} loopback hosts, warm-up {warmup.Count} pages, {o.Runs} runs per figure, {Environment.ProcessorCount} cores.");

    var peers = o.Peers ? PeerRunner.Find(o.PeersDirectory) : null;
    if (o.Peers && peers is null)
    {
        Console.WriteLine("  benchmarks/peers has no node_modules: run `npm ci` there (make bench-fetch does); peers skipped.");
    }

    var figures = new List<Figure>();
    foreach (var concurrency in o.Concurrency)
    {
        var full = await MeasureAsync($"ours full capture, {concurrency} in flight", run => Ours.RunAsync(run < 0 ? warmup : pages, concurrency, RenderMode.Browser, fullCapture: true, directory.FullName));
        var off = await MeasureAsync($"ours capture off, {concurrency} in flight", run => Ours.RunAsync(run < 0 ? warmup : pages, concurrency, RenderMode.Browser, fullCapture: false, directory.FullName));
        if (peers is not null)
        {
            var crawlee = await MeasureAsync($"Crawlee PlaywrightCrawler, {concurrency} in flight", run => peers.RunAsync("crawlee.mjs", run < 0 ? warmupFile : urlsFile, concurrency));
            var raw = await MeasureAsync($"raw Playwright (Node goto + content), {concurrency} in flight", run => peers.RunAsync("raw-playwright.mjs", run < 0 ? warmupFile : urlsFile, concurrency));
            figures.Add(full.Rate.Against("Crawlee PlaywrightCrawler", crawlee.Rate) with { Target = ">= 1.5" });
            figures.Add(full.Rate.Against("raw Playwright", raw.Rate) with { Name = full.Rate.Name + " vs the limit", Target = ">= 0.7" });
            figures.Add(off.Rate.Against("raw Playwright", raw.Rate));
            figures.AddRange([crawlee.Rate, raw.Rate, full.Rss, off.Rss, crawlee.Rss, raw.Rss, full.Rendered, off.Rendered, crawlee.Rendered, raw.Rendered]);
            // Only pages that hold the listing count here: the comparison an investigator cares about (no target).
            figures.Add(full.RenderedRate.Against("Crawlee PlaywrightCrawler", crawlee.RenderedRate));
            figures.Add(full.RenderedRate.Against("raw Playwright", raw.RenderedRate) with { Name = full.RenderedRate.Name + " vs the limit" });
        }
        else
        {
            figures.AddRange([full.Rate, off.Rate, full.Rss, off.Rss, full.Rendered, off.Rendered, full.RenderedRate]);
        }
    }

    var http = await MeasureAsync("ours HTTP mode, 4 in flight", run => Ours.RunAsync(run < 0 ? warmup : pages, 4, RenderMode.Http, fullCapture: true, directory.FullName));
    figures.AddRange([http.Rate, http.Rss, http.Rendered]);
    BenchReport.Save("fetch", figures);
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }

    SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
}

async Task<(Figure Rate, Figure Rss, Figure Rendered, Figure RenderedRate)> MeasureAsync(string name, Func<int, Task<FetchRun>> run)
{
    var peakRss = new List<double>();
    var rendered = new List<double>();
    var renderedRate = new List<double>();
    var measured = await Runs.MeasureAsync(1, o.Runs, async i =>
    {
        var result = await run(i);
        if (result.Failed > 0 || result.Unrendered > 0)
        {
            Console.Write($"[{result.Failed} failed, {result.Unrendered} without the script-rendered listing] ");
        }

        if (i >= 0)
        {
            peakRss.Add(result.PeakRssMb);
            rendered.Add(100.0 * (result.Pages - result.Failed - result.Unrendered) / result.Pages);
            renderedRate.Add((result.Pages - result.Failed - result.Unrendered) / result.Seconds);
        }

        return result.Pages / result.Seconds;
    }, name);
    peakRss.Sort();
    rendered.Sort();
    renderedRate.Sort();
    // Pages/s alone flatters a fetcher that returns before the page's scripts rendered the listing; this says how many
    // of its pages hold what an investigator needs.
    return (measured.ToFigure("fetch", name, "pages/s"),
        new Figure("fetch", $"peak RSS, {name}", Math.Round(peakRss[peakRss.Count / 2]), "MB", Math.Round(peakRss[0]), Math.Round(peakRss[^1]), peakRss.Count),
        new Figure("fetch", $"pages with the rendered listing, {name}", Math.Round(rendered[rendered.Count / 2], 1), "%", Math.Round(rendered[0], 1), Math.Round(rendered[^1], 1), rendered.Count),
        new Figure("fetch", $"rendered listings per second, {name}", Math.Round(renderedRate[renderedRate.Count / 2], 2), "pages/s", Math.Round(renderedRate[0], 2), Math.Round(renderedRate[^1], 2), renderedRate.Count));
}

internal sealed record FetchBenchOptions(int Pages, int WarmupPages, int Runs, IReadOnlyList<int> Concurrency, bool Peers, string PeersDirectory)
{
    public static FetchBenchOptions Parse(string[] args)
    {
        string? Value(string name, string env) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault()
            ?? (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : null);
        int Int(string name, string env, int fallback) => Value(name, env) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var concurrency = (Value("concurrency", "BENCH_FETCH_CONCURRENCY") ?? "1,2,4")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        return new FetchBenchOptions(
            Int("pages", "BENCH_FETCH_PAGES", 500),
            Int("warmup-pages", "BENCH_FETCH_WARMUP_PAGES", 20),
            Int("runs", "BENCH_FETCH_RUNS", 3),
            concurrency,
            !args.Contains("--no-peers") && Environment.GetEnvironmentVariable("BENCH_FETCH_PEERS") != "0",
            Value("peers", "BENCH_PEERS_DIR") ?? Path.Combine("benchmarks", "peers"));
    }
}

/// <summary>One timed pass over a page list.</summary>
internal sealed record FetchRun(int Pages, int Failed, double Seconds, double PeakRssMb, int Unrendered = 0);

/// <summary>The pages every fetcher gets: distinct listing pages, host after host, so parallel pages are on parallel hosts.</summary>
internal static class PageList
{
    public static IReadOnlyList<Uri> Build(IReadOnlyList<DemoMarketplaceServer> servers, int count, int offset = 0)
    {
        var listings = servers[0].GroundTruth;
        var capacity = listings.Count * servers.Count;
        if (offset + count > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"the demo serves {capacity} distinct listing pages over {servers.Count} hosts; {offset + count} asked");
        }

        return Enumerable.Range(offset, count)
            .Select(i => servers[i % servers.Count].ListingUrl(listings[i / servers.Count % listings.Count].Id))
            .ToList();
    }
}

/// <summary>Our fetcher over the page list with a fresh browser and store per run (launch not timed).</summary>
internal static class Ours
{
    // Only app.js writes the price element: its presence says the page was captured after the scripts rendered it.
    public const string RenderedMarker = "itemprop=\"price\"";

    private static readonly SpanProfile Profile = new(WildlifeWatch.Hosting.PipelineTelemetry.Name);

    public static async Task<FetchRun> RunAsync(IReadOnlyList<Uri> pages, int concurrency, string mode, bool fullCapture, string directory)
    {
        var options = new FetcherOptions
        {
            MaxConcurrentPages = concurrency,
            PerHostMinDelayMs = 0,
            AllowedPrivateNetworks = "127.0.0.0/8",
            RenderMode = mode,
            MaxAttempts = 1,
            CaptureScreenshot = fullCapture,
            // BENCH_FETCH_CAPTURE_EARLY=0 measures what taking the artifacts during the quiet window saves.
            CaptureEarly = Environment.GetEnvironmentVariable("BENCH_FETCH_CAPTURE_EARLY") != "0",
        };
        var wrapped = Options.Create(options);
        var dbPath = Path.Combine(directory, $"pipeline-{Guid.NewGuid():N}.db");
        using var store = new SqlitePipelineStore(dbPath);
        await store.InitializeAsync();
        await store.CreateCrawlAsync(new WildlifeWatch.Store.Crawl("bench", DateTimeOffset.UtcNow, "{}"));
        await using var browser = new BrowserSession(wrapped);
        using var http = new GuardedHttpClient(wrapped);
        var politeness = new HostPoliteness(store, wrapped);
        var capturer = new PageCapturer(
            new BrowserPageLoader(browser, http, politeness, wrapped), new HttpPageLoader(http, politeness, wrapped), new HostCircuitBreakers(wrapped), wrapped);
        var handler = new CaptureHandler(store, capturer);
        var services = new ServiceCollection();
        services.AddMassTransit(x =>
        {
            x.ConfigureUsageTelemetryOptions(t => t.Enabled = false);
            x.UsingInMemory();
        });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        if (mode == RenderMode.Browser)
        {
            await browser.GetBrowserVersionAsync();
        }

        var failures = new FailureCounter();
        await bus.ConnectReceiveEndpoint("bench-fetch-failed", e => e.Handler<FetchFailed>(failed =>
        {
            failures.Add(failed.Message.Reason);
            return Task.CompletedTask;
        })).Ready;
        var capturedHtml = new System.Collections.Concurrent.ConcurrentBag<string>();
        await bus.ConnectReceiveEndpoint("bench-fetch-captured", e => e.Handler<PageCaptured>(captured =>
        {
            capturedHtml.Add(captured.Message.HtmlSha256);
            return Task.CompletedTask;
        })).Ready;

        var next = -1;
        var unrendered = 0;
        Profile.Reset();
        using var rss = RssSampler.Start(Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < pages.Count; i = Interlocked.Increment(ref next))
            {
                var url = pages[i];
                if (fullCapture)
                {
                    await handler.HandleAsync(new FetchRequested(Guid.NewGuid(), "bench", "bench", url.AbsoluteUri, url.AbsoluteUri, 0, DateTimeOffset.UtcNow, mode), bus);
                }
                else
                {
                    try
                    {
                        var page = await capturer.CaptureAsync(url, mode);
                        if (!page.Html.Contains(RenderedMarker, StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref unrendered);
                        }
                    }
                    catch (FetchException e)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = await rss.StopAsync();
        if (fullCapture)
        {
            // After the clock: the stored DOM of each capture says whether it holds the script-rendered listing.
            var settled = Stopwatch.StartNew();
            while (capturedHtml.Count + failures.Count < pages.Count && settled.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            foreach (var sha in capturedHtml)
            {
                var html = await store.GetArtifactAsync(sha);
                if (html is null || !System.Text.Encoding.UTF8.GetString(html).Contains(RenderedMarker, StringComparison.Ordinal))
                {
                    unrendered++;
                }
            }

            unrendered += pages.Count - failures.Count - capturedHtml.Count;
        }

        await bus.StopAsync();
        Profile.Print($"{(fullCapture ? "full capture" : "capture off")} {mode}, {concurrency} in flight", pages.Count);
        return new FetchRun(pages.Count, failures.Count, seconds, peak, unrendered);
    }

    private sealed class FailureCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add(string reason)
        {
            // The first reason is enough to see what went wrong; the count says how often.
            if (Interlocked.Increment(ref _count) == 1)
            {
                Console.Write($"[first failure: {reason}] ");
            }
        }
    }
}
