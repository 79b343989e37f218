using MassTransit;
using Microsoft.Extensions.Logging;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts;

/// <summary>
/// Records the alert decision for a score and tells subscribers what changed: <see cref="AlertRaised"/> for a listing's
/// first alert, <see cref="AlertUpdated"/> when a rescore changed it, nothing for a re-capture that changes nothing.
/// </summary>
public sealed class AlertHandler(IPipelineStore store, AlertDecider decider, IPublishEndpoint publisher, TimeProvider clock, ILogger<AlertHandler> logger)
{
    /// <summary>Decides the score and publishes the outcome; returns what the decision did.</summary>
    public async Task<AlertOutcome> DecideAsync(ListingScored scored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var decision = await store.DecideAlertAsync(scored.ListingId, scored.ModelVersion, decider.Decide(scored, clock.GetUtcNow()), ct);
        if (decision is not { Alert: { } alert, Outcome: AlertOutcome.Raised or AlertOutcome.Updated })
        {
            return decision.Outcome;
        }

        var listing = await store.GetListingAsync(scored.ListingId, ct);
        var title = listing?.Title ?? string.Empty;
        if (decision.Outcome == AlertOutcome.Raised)
        {
            logger.LogInformation("Alert {Severity} {Score:F2} {SpeciesGroup} {Url}", alert.Severity, alert.Score, alert.SpeciesGroup, scored.Url);
            await publisher.Publish(new AlertRaised(
                scored.CorrelationId, scored.CrawlId, alert.Id, scored.ListingId, scored.Url, title,
                alert.Score, alert.ModelVersion, alert.Severity, alert.SpeciesGroup, alert.Platform, alert.RaisedAt, listing?.Country), ct);
        }
        else
        {
            var previous = decision.Previous!;
            logger.LogInformation("Alert {AlertId} updated {PreviousScore:F2} -> {Score:F2} ({Model}) {Url}", alert.Id, previous.Score, alert.Score, alert.ModelVersion, scored.Url);
            await publisher.Publish(new AlertUpdated(
                scored.CorrelationId, scored.CrawlId, alert.Id, scored.ListingId, scored.Url, title,
                alert.Score, alert.ModelVersion, alert.Severity, alert.SpeciesGroup, alert.Platform, alert.UpdatedAt ?? clock.GetUtcNow(), alert.Revision,
                previous.Score, previous.ModelVersion, previous.Severity, alert.RaisedAt, listing?.Country), ct);
        }

        return decision.Outcome;
    }

    /// <summary>True when the score raised a new alert.</summary>
    public async Task<bool> HandleAsync(ListingScored scored, CancellationToken ct) => await DecideAsync(scored, ct) == AlertOutcome.Raised;
}

/// <summary>Decides whether a scored listing is an alert.</summary>
public sealed class RaiseAlertForScore(AlertHandler handler) : IConsumer<ListingScored>
{
    public Task Consume(ConsumeContext<ListingScored> context) => handler.DecideAsync(context.Message, context.CancellationToken);
}
