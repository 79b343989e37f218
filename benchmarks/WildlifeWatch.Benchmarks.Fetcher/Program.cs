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
// and our HTTP mode. No per-host politeness delay for anyone. Every run starts a new browser, fetches the warm-up
// pages with it untimed, then the page list timed. The fetchers of one concurrency take turns run by run (see
// Contender). Pages/s, the machine's CPU time per page, the share of pages that hold the script-rendered listing, and
// the peak RSS of each fetcher's process tree (ours includes the in-process demo marketplace).
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Fetcher -- [--pages N] [--runs N]
//        [--warmup-pages N] [--concurrency 1,2,4] [--only full,off,crawlee,raw,http] [--no-peers] [--peers DIR]
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

    // Every fetcher drives the same browser binary: the one our fetcher resolves (Fetcher:ExecutablePath,
    // PLAYWRIGHT_CHROMIUM_EXECUTABLE, /usr/bin/chromium).
    var chromium = ChromiumLocator.Resolve(new FetcherOptions());
    var figures = new List<Figure>();
    foreach (var concurrency in o.Concurrency)
    {
        var full = new Contender("full", $"ours full capture, {concurrency} in flight", run => Ours.RunAsync(warmup, run < 0 ? warmup : pages, concurrency, RenderMode.Browser, fullCapture: true, directory.FullName));
        var off = new Contender("off", $"ours capture off, {concurrency} in flight", run => Ours.RunAsync(warmup, run < 0 ? warmup : pages, concurrency, RenderMode.Browser, fullCapture: false, directory.FullName));
        var crawlee = new Contender("crawlee", $"Crawlee PlaywrightCrawler, {concurrency} in flight", run => peers!.RunAsync("crawlee.mjs", warmupFile, run < 0 ? warmupFile : urlsFile, concurrency, chromium));
        var raw = new Contender("raw", $"raw Playwright (Node goto + content), {concurrency} in flight", run => peers!.RunAsync("raw-playwright.mjs", warmupFile, run < 0 ? warmupFile : urlsFile, concurrency, chromium));
        Contender[] all = [full, off, crawlee, raw];
        await Contender.RunInterleavedAsync([.. all.Where(c => o.Includes(c.Key) && (peers is not null || c == full || c == off))], o.Runs);
        if (full.Measured)
        {
            figures.Add(crawlee.Measured ? full.Rate.Against("Crawlee PlaywrightCrawler", crawlee.Rate) with { Target = ">= 1.5" } : full.Rate);
            if (raw.Measured)
            {
                figures.Add(full.Rate.Against("raw Playwright", raw.Rate) with { Name = full.Rate.Name + " vs the limit", Target = ">= 0.7" });
            }
        }

        if (off.Measured)
        {
            figures.Add(raw.Measured ? off.Rate.Against("raw Playwright", raw.Rate) : off.Rate);
        }

        var measured = all.Where(c => c.Measured).ToList();
        figures.AddRange(measured.Where(c => c == crawlee || c == raw).Select(c => c.Rate));
        figures.AddRange(measured.Select(c => c.Rss));
        figures.AddRange(measured.Select(c => c.Rendered));
        // What a page costs the machine: steadier than pages/s on a shared machine, and what sets the rate once the
        // cores are busy.
        figures.AddRange(measured.Select(c => c == full && crawlee.Measured ? c.Cpu.Against("Crawlee PlaywrightCrawler", crawlee.Cpu) : c.Cpu));
        // Only pages that hold the listing count here: the comparison an investigator cares about (no target).
        if (full.Measured)
        {
            figures.Add(crawlee.Measured ? full.RenderedRate.Against("Crawlee PlaywrightCrawler", crawlee.RenderedRate) : full.RenderedRate);
            if (raw.Measured)
            {
                figures.Add(full.RenderedRate.Against("raw Playwright", raw.RenderedRate) with { Name = full.RenderedRate.Name + " vs the limit" });
            }
        }
    }

    if (o.Includes("http"))
    {
        var http = new Contender("http", "ours HTTP mode, 4 in flight", run => Ours.RunAsync(warmup, run < 0 ? warmup : pages, 4, RenderMode.Http, fullCapture: true, directory.FullName));
        await Contender.RunInterleavedAsync([http], o.Runs);
        figures.AddRange([http.Rate, http.Rss, http.Rendered]);
    }

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

internal sealed record FetchBenchOptions(int Pages, int WarmupPages, int Runs, IReadOnlyList<int> Concurrency, bool Peers, string PeersDirectory, IReadOnlySet<string>? Only)
{
    public static readonly string[] Keys = ["full", "off", "crawlee", "raw", "http"];

    /// <summary>Whether the fetcher of <paramref name="key"/> (one of <see cref="Keys"/>) is measured in this run.</summary>
    public bool Includes(string key) => Only is null || Only.Contains(key);

    public static FetchBenchOptions Parse(string[] args)
    {
        string? Value(string name, string env) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault()
            ?? (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : null);
        int Int(string name, string env, int fallback) => Value(name, env) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var concurrency = (Value("concurrency", "BENCH_FETCH_CONCURRENCY") ?? "1,2,4")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var only = Value("only", "BENCH_FETCH_ONLY")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (only?.FirstOrDefault(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"--only takes {string.Join(", ", Keys)}; '{unknown}' is none of them");
        }

        return new FetchBenchOptions(
            Int("pages", "BENCH_FETCH_PAGES", 500),
            Int("warmup-pages", "BENCH_FETCH_WARMUP_PAGES", 20),
            Int("runs", "BENCH_FETCH_RUNS", 3),
            concurrency,
            !args.Contains("--no-peers") && Environment.GetEnvironmentVariable("BENCH_FETCH_PEERS") != "0",
            Value("peers", "BENCH_PEERS_DIR") ?? Path.Combine("benchmarks", "peers"),
            only);
    }
}

/// <summary>One timed pass over a page list; <paramref name="CpuSeconds"/> is the machine's busy CPU time while it ran.</summary>
internal sealed record FetchRun(int Pages, int Failed, double Seconds, double PeakRssMb, int Unrendered, double? CpuSeconds);

/// <summary>
/// One fetcher configuration and what its timed runs measured. Contenders of one concurrency run in rounds, each round
/// one run of each in turn (the order turning by one every round), so a machine that gets slower or faster during the
/// benchmark moves every contender's figures, not only those of whoever ran then.
/// </summary>
internal sealed class Contender(string key, string name, Func<int, Task<FetchRun>> run)
{
    private readonly List<double> _rates = [];
    private readonly List<double> _rss = [];
    private readonly List<double> _rendered = [];
    private readonly List<double> _renderedRates = [];
    private readonly List<double> _cpu = [];

    public string Key { get; } = key;

    public string Name { get; } = name;

    public bool Measured => _rates.Count > 0;

    public Figure Rate => Summary(_rates, "pages/s", Name, 2);

    public Figure Rss => Summary(_rss, "MB", $"peak RSS, {Name}", 0);

    public Figure Rendered => Summary(_rendered, "%", $"pages with the rendered listing, {Name}", 1);

    public Figure RenderedRate => Summary(_renderedRates, "pages/s", $"rendered listings per second, {Name}", 2);

    public Figure Cpu => Summary(_cpu, "ms", $"CPU time per page (whole machine), {Name}", 1);

    public static async Task RunInterleavedAsync(IReadOnlyList<Contender> contenders, int runs)
    {
        foreach (var c in contenders)
        {
            await c.RunOnceAsync(-1, "warm-up");
        }

        for (var round = 0; round < runs; round++)
        {
            for (var i = 0; i < contenders.Count; i++)
            {
                await contenders[(i + round) % contenders.Count].RunOnceAsync(round, $"run {round + 1}/{runs}");
            }
        }
    }

    private async Task RunOnceAsync(int round, string label)
    {
        Console.Write($"  {Name}: {label} ... ");
        var result = await run(round);
        if (result.Failed > 0 || result.Unrendered > 0)
        {
            Console.Write($"[{result.Failed} failed, {result.Unrendered} without the script-rendered listing] ");
        }

        var rate = result.Pages / result.Seconds;
        var cpu = result.CpuSeconds is { } seconds ? 1000 * seconds / result.Pages : (double?)null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rate:N2} pages/s, {cpu:N0} ms CPU per page ({result.Seconds:F1} s)"));
        if (round < 0)
        {
            return;
        }

        _rates.Add(rate);
        _rss.Add(result.PeakRssMb);
        // Pages/s alone flatters a fetcher that returns before the page's scripts rendered the listing; this says how
        // many of its pages hold what an investigator needs.
        var good = result.Pages - result.Failed - result.Unrendered;
        _rendered.Add(100.0 * good / result.Pages);
        _renderedRates.Add(good / result.Seconds);
        if (cpu is { } ms)
        {
            _cpu.Add(ms);
        }
    }

    private static Figure Summary(List<double> values, string unit, string name, int digits) =>
        Runs.Summarize(values).ToFigure("fetch", name, unit, digits);
}

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

    private const string WarmupCrawl = "bench-warmup";
    private const string TimedCrawl = "bench";

    private static readonly SpanProfile Profile = new(WildlifeWatch.Hosting.PipelineTelemetry.Name);

    /// <summary>
    /// One run: a new browser and store; <paramref name="warmup"/> fetched first, untimed, by a fetcher of its own (so
    /// the timed one starts with nothing learned, as a new worker would), then <paramref name="pages"/> timed.
    /// </summary>
    public static async Task<FetchRun> RunAsync(IReadOnlyList<Uri> warmup, IReadOnlyList<Uri> pages, int concurrency, string mode, bool fullCapture, string directory)
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
        await store.CreateCrawlAsync(new WildlifeWatch.Store.Crawl(WarmupCrawl, DateTimeOffset.UtcNow, "{}"));
        await store.CreateCrawlAsync(new WildlifeWatch.Store.Crawl(TimedCrawl, DateTimeOffset.UtcNow, "{}"));
        await using var browser = new BrowserSession(wrapped);
        using var http = new GuardedHttpClient(wrapped);
        var politeness = new HostPoliteness(store, wrapped);
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
            if (failed.Message.CrawlId == TimedCrawl)
            {
                failures.Add(failed.Message.Reason);
            }

            return Task.CompletedTask;
        })).Ready;
        var capturedHtml = new System.Collections.Concurrent.ConcurrentBag<string>();
        await bus.ConnectReceiveEndpoint("bench-fetch-captured", e => e.Handler<PageCaptured>(captured =>
        {
            if (captured.Message.CrawlId == TimedCrawl)
            {
                capturedHtml.Add(captured.Message.HtmlSha256);
            }

            return Task.CompletedTask;
        })).Ready;

        PageCapturer NewCapturer() => new(
            new BrowserPageLoader(browser, http, politeness, wrapped), new HttpPageLoader(http, politeness, wrapped), new HostCircuitBreakers(wrapped), wrapped);

        var unrendered = 0;
        await FetchAllAsync(NewCapturer(), warmup, WarmupCrawl);
        Profile.Reset();
        using var rss = RssSampler.Start(Environment.ProcessId);
        var cpuBefore = MachineCpu.Busy();
        var (pauseBefore, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        await FetchAllAsync(NewCapturer(), pages, TimedCrawl);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = MachineCpu.Busy() - cpuBefore;
        var gcPause = GC.GetTotalPauseDuration() - pauseBefore;
        var gen2 = GC.CollectionCount(2) - gen2Before;
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
        Console.Write($"GC pauses {gcPause.TotalMilliseconds / pages.Count:F1} ms per page ({gen2} gen-2) ... ");
        return new FetchRun(pages.Count, failures.Count, seconds, peak, unrendered, cpu?.TotalSeconds);

        // As the fetcher service takes requests: more of them at once than pages in flight (its consumer's limit is the
        // prefetch), so one page's artifacts are stored while the next page loads; the browser session holds the pages
        // in flight to MaxConcurrentPages. With capture off there is nothing to store and the loader is called directly.
        async Task FetchAllAsync(PageCapturer capturer, IReadOnlyList<Uri> list, string crawl)
        {
            var handler = new CaptureHandler(store, capturer);
            var timed = crawl == TimedCrawl;
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, fullCapture ? 2 * concurrency : concurrency).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < list.Count; i = Interlocked.Increment(ref next))
                {
                    var url = list[i];
                    if (fullCapture)
                    {
                        await handler.HandleAsync(new FetchRequested(Guid.NewGuid(), crawl, "bench", url.AbsoluteUri, url.AbsoluteUri, 0, DateTimeOffset.UtcNow, mode), bus);
                        continue;
                    }

                    try
                    {
                        var page = await capturer.CaptureAsync(url, mode);
                        if (timed && !page.Html.Contains(RenderedMarker, StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref unrendered);
                        }
                    }
                    catch (FetchException e) when (timed)
                    {
                        failures.Add(e.Message);
                    }
                    catch (FetchException)
                    {
                        // A warm-up page that failed counts for nothing.
                    }
                }
            }));
        }
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
