using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler;

/// <summary>
/// Revisits watched listings on their seed's <see cref="Seed.RevisitInterval"/>. A revisit is a crawl of its own
/// (<c>{crawl}.r{time}</c>, depth 0, the due listing URLs as start URLs), so every visit adds a capture beside the earlier
/// ones (a capture's id is fixed by crawl and URL, and captures are append-only). What the revisit finds updates the
/// watch: seen online again, or removed (404/410, a removal text, a redirect to search or home) with the time.
/// </summary>
public sealed class RevisitPlanner(
    IPipelineStore store,
    IServiceScopeFactory scopes,
    KnownCrawls known,
    IOptions<SchedulerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RevisitPlanner> logger) : BackgroundService
{
    private readonly Dictionary<(string Crawl, string Seed), DateTimeOffset> _lastStarted = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await HostStarted.WaitAsync(lifetime, stoppingToken);

        using var timer = new PeriodicTimer(options.Value.RevisitCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Revisit check failed; retrying in {Interval}", options.Value.RevisitCheckInterval);
            }
        }
    }

    /// <summary>Starts a revisit crawl for each crawl with due listings; returns the ids of the crawls started.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var crawlIds = known.Ids.ToHashSet(StringComparer.Ordinal);
        if (options.Value.CrawlId is { Length: > 0 } configured)
        {
            crawlIds.Add(configured);
        }

        var startedCrawls = new List<string>();
        IReadOnlyList<WatchedListing>? watched = null;
        foreach (var crawlId in crawlIds.Order(StringComparer.Ordinal))
        {
            if (await store.GetCrawlAsync(crawlId, ct) is not { } crawl)
            {
                continue;
            }

            var seeds = SeedsLoader.FromJson(crawl.SeedsJson);
            var revisits = new List<Seed>();
            foreach (var seed in seeds.Seeds)
            {
                if (!SeedsLoader.TryParseInterval(seed.RevisitInterval, out var interval)
                    || (_lastStarted.TryGetValue((crawlId, seed.Id), out var last) && now - last < interval))
                {
                    continue;
                }

                watched ??= await store.GetWatchedListingsAsync(ct: ct);
                var due = watched.Where(w => w.SeedId == seed.Id && w.RemovedAt is null && now - w.LastSeenAt >= interval)
                    .OrderBy(w => w.LastSeenAt).Take(options.Value.MaxRevisitsPerSeed).Select(w => w.NormalizedUrl).ToList();
                if (due.Count > 0)
                {
                    revisits.Add(RevisitOf(seed, due));
                    _lastStarted[(crawlId, seed.Id)] = now;
                }
            }

            if (revisits.Count == 0)
            {
                continue;
            }

            var revisitId = $"{crawlId}.r{now:yyyyMMddHHmmss}";
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<CrawlPlanner>().StartAsync(revisitId, new SeedSet { Seeds = revisits }, ct);
            logger.LogInformation("Crawl {CrawlId}: revisiting {Count} listings in crawl {RevisitId}", crawlId, revisits.Sum(s => s.StartUrls.Count), revisitId);
            startedCrawls.Add(revisitId);
        }

        return startedCrawls;
    }

    /// <summary>The seed narrowed to its due listings: no links followed, no sitemaps, and no revisit of the revisit.</summary>
    private static Seed RevisitOf(Seed seed, List<string> urls) => new()
    {
        Id = seed.Id,
        StartUrls = urls,
        AllowedHosts = seed.AllowedHosts,
        ListingPatterns = seed.ListingPatterns,
        MaxDepth = 0,
        RespectRobotsTxt = seed.RespectRobotsTxt,
        RenderMode = seed.RenderMode,
        RequestsPerMinute = seed.RequestsPerMinute,
        UseRobotsSitemaps = false,
        Cookies = seed.Cookies,
        RemovedMarkers = seed.RemovedMarkers,
    };
}
