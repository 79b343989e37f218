using MassTransit;
using Microsoft.Extensions.Logging;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts;

/// <summary>Records the alert decision for a score and tells subscribers about new alerts.</summary>
public sealed class AlertHandler(IPipelineStore store, AlertDecider decider, IPublishEndpoint publisher, TimeProvider clock, ILogger<AlertHandler> logger)
{
    public async Task<bool> HandleAsync(ListingScored scored, CancellationToken ct)
    {
        var alert = decider.Decide(scored, clock.GetUtcNow());
        var isNew = await store.CompleteAlertDecisionAsync(scored.ListingId, scored.ModelVersion, alert, ct);
        if (alert is null || !isNew)
        {
            return false;
        }

        var listing = await store.GetListingAsync(scored.ListingId, ct);
        logger.LogInformation("Alert {Severity} {Score:F2} {SpeciesGroup} {Url}", alert.Severity, alert.Score, alert.SpeciesGroup, scored.Url);
        await publisher.Publish(new AlertRaised(
            scored.CorrelationId, scored.CrawlId, alert.Id, scored.ListingId, scored.Url, listing?.Title ?? string.Empty,
            alert.Score, alert.ModelVersion, alert.Severity, alert.SpeciesGroup, alert.Platform, alert.RaisedAt), ct);
        return true;
    }
}

/// <summary>Decides whether a scored listing is an alert.</summary>
public sealed class RaiseAlertForScore(AlertHandler handler) : IConsumer<ListingScored>
{
    public Task Consume(ConsumeContext<ListingScored> context) => handler.HandleAsync(context.Message, context.CancellationToken);
}
