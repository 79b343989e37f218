using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler;

/// <summary>
/// Announces again the frontier entries that stayed queued past their lease. A crash between admitting a row
/// and publishing its request (or a request lost with a broker) would otherwise strand the page: redelivered
/// links admit nothing new. Duplicates are harmless: the fetcher re-announces an existing capture instead of refetching.
/// </summary>
public sealed class FrontierSweeper(
    IPipelineStore store,
    IBus bus,
    KnownCrawls known,
    IOptions<SchedulerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FrontierSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var sweep = new FrontierSweep(settings.RequeueAfter, settings.RequeueMaxBackoff, settings.MaxRequeuePerSweep);
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(sweep, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy store or a broker that is away: the next tick tries again.
                logger.LogWarning(e, "Frontier sweep failed; retrying in {Interval}", settings.SweepInterval);
            }
        }
    }

    public async Task<int> SweepAsync(FrontierSweep sweep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var crawlIds = known.Ids.ToHashSet(StringComparer.Ordinal);
        if (options.Value.CrawlId is { Length: > 0 } configured && await store.GetCrawlAsync(configured, ct) is not null)
        {
            crawlIds.Add(configured);
        }

        var announced = 0;
        foreach (var crawlId in crawlIds)
        {
            // The progress counts are cheap; the frontier is read only when something is queued.
            if ((await store.GetProgressAsync(crawlId, ct)).FrontierQueued == 0)
            {
                continue;
            }

            var due = sweep.Select(crawlId, await store.GetFrontierAsync(crawlId, ct), time.GetUtcNow());
            foreach (var entry in due)
            {
                using var journey = PipelineTelemetry.StartPageJourney(entry.CrawlId, entry.Url);
                await bus.Publish(new FetchRequested(NewId.NextGuid(), entry.CrawlId, entry.SeedId, entry.Url, entry.NormalizedUrl, entry.Depth, time.GetUtcNow()), ct);
            }

            if (due.Count > 0)
            {
                logger.LogInformation("Crawl {CrawlId}: announced {Count} queued frontier entries again (queued longer than {Lease})", crawlId, due.Count, options.Value.RequeueAfter);
            }

            announced += due.Count;
        }

        return announced;
    }
}
