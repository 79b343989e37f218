using MassTransit;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher;

/// <summary>Captures the page a <see cref="FetchRequested"/> asks for.</summary>
public sealed class CaptureRequestedPage(CaptureHandler handler) : IConsumer<FetchRequested>
{
    // Published through the consume context so correlation and conversation ids flow on.
    public Task Consume(ConsumeContext<FetchRequested> context) =>
        handler.HandleAsync(context.Message, context, context.CancellationToken);
}
