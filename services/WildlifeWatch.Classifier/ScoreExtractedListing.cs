using MassTransit;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Classifier;

public sealed class ScoreExtractedListing(ListingScoringHandler handler) : IConsumer<ListingExtracted>
{
    public Task Consume(ConsumeContext<ListingExtracted> context) => handler.HandleAsync(context.Message, context, context.CancellationToken);
}
