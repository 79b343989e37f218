using MassTransit;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>
/// Scores one extracted listing: predict, store the score with its product type and reasons, then announce it (store
/// first, so an announced score always exists). A shadow challenger, when published, scores the same listing into the
/// shadow scores and is never announced, so it cannot alert.
/// </summary>
public sealed class ListingScoringHandler(ModelProvider models, IPipelineStore store, TimeProvider time)
{
    public async Task<ListingScored> HandleAsync(ListingExtracted listing, IPublishEndpoint publish, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(publish);
        var model = await models.GetAsync(ct);
        var shadow = models.Shadow;
        var prediction = PipelineTelemetry.MeasureScoring(model.Version, () => model.Predict(listing.Title, listing.Description));
        PipelineTelemetry.RecordScore(prediction.Score, model.Version);
        var now = time.GetUtcNow();

        await PipelineTelemetry.StoreWriteAsync("score", () => store.AddScoreAsync(ToScore(listing, model.Version, prediction, now), ct));
        if (shadow is not null && shadow.Version != model.Version)
        {
            await store.AddShadowScoreAsync(ToScore(listing, shadow.Version, shadow.Predict(listing.Title, listing.Description), now), ct);
        }

        var scored = new ListingScored(
            listing.CorrelationId, listing.CrawlId, listing.ListingId, listing.Url, prediction.Score, model.Version, prediction.SpeciesGroup, now);
        await publish.Publish(scored, ct);
        return scored;
    }

    private static Score ToScore(ListingExtracted listing, string version, ListingPrediction prediction, DateTimeOffset at) =>
        new(listing.ListingId, listing.CrawlId, version, prediction.Score, at)
        {
            ProductType = prediction.PredictedProductType,
            ReasonsJson = PredictionJson.Reasons(prediction.Reasons),
        };
}
