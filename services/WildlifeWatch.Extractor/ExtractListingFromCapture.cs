using MassTransit;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Extractor;

/// <summary>Extracts the sale listing, if any, from a captured page.</summary>
public sealed class ExtractListingFromCapture(ExtractionHandler handler) : IConsumer<PageCaptured>
{
    // Published through the consume context so correlation and conversation ids flow on.
    public Task Consume(ConsumeContext<PageCaptured> context) =>
        handler.HandleAsync(context.Message, context, context.CancellationToken);
}
