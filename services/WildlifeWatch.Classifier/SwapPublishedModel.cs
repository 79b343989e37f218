using MassTransit;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Classifier;

/// <summary>Every classifier process hears every publication (its own temporary queue) and swaps the model in place.</summary>
public sealed class SwapPublishedModel(ModelProvider models) : IConsumer<ModelPublished>
{
    public Task Consume(ConsumeContext<ModelPublished> context) => models.ApplyAsync(context.Message, context.CancellationToken);
}
