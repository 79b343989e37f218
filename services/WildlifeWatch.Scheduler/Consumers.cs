using MassTransit;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Scheduler.Crawling;

namespace WildlifeWatch.Scheduler;

/// <summary>Takes a captured page's links back into the frontier.</summary>
public sealed class AdmitDiscoveredLinks(CrawlPlanner planner) : IConsumer<LinksDiscovered>
{
    // A retried or redelivered message may have admitted its links already and died before announcing them.
    public Task Consume(ConsumeContext<LinksDiscovered> context) =>
        planner.TakeLinksAsync(context.Message, context.GetRetryAttempt() > 0 || context.ReceiveContext.Redelivered, context.CancellationToken);
}

/// <summary>Closes the frontier entry of a fetch that failed, keeping the reason.</summary>
public sealed class RecordFailedFetch(CrawlPlanner planner) : IConsumer<FetchFailed>
{
    public Task Consume(ConsumeContext<FetchFailed> context) => planner.RecordFailureAsync(context.Message, context.CancellationToken);
}
