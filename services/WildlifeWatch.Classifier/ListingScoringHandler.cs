using MassTransit;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>Scores one extracted listing: predict, store the score, then announce it (store first, so an announced score always exists).</summary>
public sealed class ListingScoringHandler(ModelProvider models, IPipelineStore store, TimeProvider time)
{
    public async Task<ListingScored> HandleAsync(ListingExtracted listing, IPublishEndpoint publish, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(publish);
        var model = await models.GetAsync(ct);
        var prediction = PipelineTelemetry.MeasureScoring(model.Version, () => model.Predict(listing.Title, listing.Description));
        PipelineTelemetry.RecordScore(prediction.Score, model.Version);
        var now = time.GetUtcNow();

        await PipelineTelemetry.StoreWriteAsync("score", () => store.AddScoreAsync(new Score(listing.ListingId, listing.CrawlId, model.Version, prediction.Score, now), ct));

        var scored = new ListingScored(
            listing.CorrelationId, listing.CrawlId, listing.ListingId, listing.Url, prediction.Score, model.Version, prediction.SpeciesGroup, now);
        await publish.Publish(scored, ct);
        return scored;
    }
}
