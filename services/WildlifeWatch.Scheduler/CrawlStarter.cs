using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;

namespace WildlifeWatch.Scheduler;

/// <summary>The crawl this process was asked to run: its id and seeds.</summary>
public sealed record CrawlRequest(string CrawlId, SeedSet Seeds);

/// <summary>Starts (or resumes) the configured crawl once the host, and with it the bus, is running.</summary>
public sealed class CrawlStarter(
    IServiceProvider services,
    IOptions<SchedulerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<CrawlStarter> logger) : BackgroundService
{
    public static string NewCrawlId() => $"crawl-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var request = services.GetService<CrawlRequest>();
        if (request is null && options.Value.SeedsFile is { Length: > 0 } file)
        {
            request = new CrawlRequest(options.Value.CrawlId ?? NewCrawlId(), SeedsLoader.Load(file));
        }

        if (request is null)
        {
            logger.LogInformation("No seeds configured (Scheduler:SeedsFile); waiting for discovered links only");
            return;
        }

        await HostStarted.WaitAsync(lifetime, stoppingToken);

        using var scope = services.CreateScope();
        var planner = scope.ServiceProvider.GetRequiredService<CrawlPlanner>();
        await planner.StartAsync(request.CrawlId, request.Seeds, stoppingToken);
    }
}
