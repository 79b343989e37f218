using System.Diagnostics;
using MassTransit;

namespace WildlifeWatch.Hosting;

/// <summary>
/// Wraps every consumed message in a span named after the stage that handles it (read from the queue name), with the
/// crawl id, URL host, listing id and model version the message carries, and counts and times it per stage.
/// </summary>
public sealed class StageTelemetryFilter<T> : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var queue = context.ReceiveContext.InputAddress?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        var stage = PipelineTelemetry.StageOfQueue(queue);
        using var activity = PipelineTelemetry.Source.StartActivity($"{stage} {typeof(T).Name}", ActivityKind.Internal);
        activity?.SetTag(PipelineTelemetry.Tags.Stage, stage);
        PipelineTelemetry.TagMessage(activity, context.Message);

        var labels = new TagList
        {
            { PipelineTelemetry.Labels.Stage, stage },
            { PipelineTelemetry.Labels.Message, typeof(T).Name },
        };
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await next.Send(context);
            outcome = "ok";
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            PipelineTelemetry.MessageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, labels);
            labels.Add(PipelineTelemetry.Labels.Outcome, outcome);
            PipelineTelemetry.MessagesHandled.Add(1, labels);
        }
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("stageTelemetry");
}
