using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WildlifeWatch.Alerts;
using WildlifeWatch.Classifier;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Extractor;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline run</c>: the five stages in one process on the in-memory bus and SQLite, crawled to the end.</summary>
internal static class RunCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "seeds", "db", "crawl-id", "concurrency", "threshold", "timeout", "serve", "verbose",
    };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var seedsFile = line.String("seeds");
        SeedSet? fileSeeds;
        try
        {
            fileSeeds = seedsFile is null ? null : SeedsLoader.Load(seedsFile);
        }
        catch (SeedsFileException e)
        {
            throw new UsageException(e.Message);
        }

        var crawlId = line.String("crawl-id") ?? CrawlStarter.NewCrawlId();
        var timeout = TimeSpan.FromMinutes(line.Int("timeout", 1, 24 * 60) ?? 60);
        var serve = line.Flag("serve");

        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Bus:Transport"] = nameof(BusTransport.InMemory),
            ["Fetcher:MaxConcurrentPages"] = (line.Int("concurrency", 1, 64) ?? 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = line.Flag("verbose") ? "Information" : "Warning",
            ["Logging:LogLevel:MassTransit"] = line.Flag("verbose") ? "Information" : "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        if (Environment.GetEnvironmentVariable("Bus__RedeliveryIntervals") is null)
        {
            // A one-shot run waits for its last message: a redelivery ten minutes later would hold the whole run.
            overrides["Bus:RedeliveryIntervals"] = "00:00:05;00:00:30";
        }

        if (line.String("db") is { } db)
        {
            overrides["Store:SqlitePath"] = db;
        }

        if (line.Double("threshold", 0, 1) is { } threshold)
        {
            overrides["Alerts:Threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (seedsFile is null)
        {
            // The demo is ours and on loopback: no politeness delay is owed to it, and the SSRF guard must let it through.
            overrides["Fetcher:PerHostMinDelayMs"] = "0";
            overrides["Fetcher:AllowedPrivateNetworks"] = "127.0.0.0/8";
        }

        var builder = PipelineHost.CreateBuilder([], overrides,
            new SchedulerModule(), new FetcherModule(), new ExtractorModule(), new ClassifierModule(), new AlertsModule());
        var fetcherOptions = builder.Configuration.GetSection(FetcherOptions.Section).Get<FetcherOptions>() ?? new FetcherOptions();
        try
        {
            Console.WriteLine($"Chromium: {ChromiumLocator.Resolve(fetcherOptions)}");
        }
        catch (ChromiumNotFoundException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: {e.Message}");
            return ExitCodes.MissingBrowser;
        }

        SeedSet seeds;
        DemoMarketplaceServer? demo = null;
        if (fileSeeds is not null)
        {
            seeds = fileSeeds;
        }
        else
        {
            demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 }, ct);
            seeds = new SeedSet { Seeds = [new Seed { Id = "demo-marketplace", StartUrls = [demo.BaseUrl.AbsoluteUri], MaxDepth = 3 }] };
            Console.WriteLine($"Demo marketplace: {demo.BaseUrl} ({demo.GroundTruth.Count} listings)");
        }

        await using var _ = demo;
        builder.Services.AddSingleton(new CrawlRequest(crawlId, seeds));

        using var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: invalid settings: {string.Join("; ", e.Failures)}");
            return ExitCodes.Usage;
        }

        var store = host.Services.GetRequiredService<IPipelineStore>();
        Console.WriteLine($"Crawl {crawlId}; store {host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.SqlitePath}");
        var stopwatch = Stopwatch.StartNew();
        var outcome = await new CrawlMonitor(store, crawlId, Console.Out).WaitUntilDoneAsync(timeout, ct);
        var summary = await RunSummary.CollectAsync(store, crawlId, stopwatch.Elapsed, demo, ct);
        summary.Print(Console.Out);

        if (outcome != CrawlOutcome.Finished)
        {
            await Console.Error.WriteLineAsync(outcome == CrawlOutcome.Stalled
                ? "pipeline: the crawl stopped making progress; see the counts above and run with --verbose for the stages' logs."
                : $"pipeline: the crawl did not finish within {timeout.TotalMinutes:F0} minutes.");
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Failed;
        }

        if (serve)
        {
            var sqlitePath = host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.SqlitePath;
            var served = await PortalServer.ServeAsync(overrides, sqlitePath, Console.Out, ct);
            if (served != ExitCodes.Ok)
            {
                await host.StopAsync(CancellationToken.None);
                return served;
            }
        }

        await host.StopAsync(CancellationToken.None);
        return ExitCodes.Ok;
    }
}
