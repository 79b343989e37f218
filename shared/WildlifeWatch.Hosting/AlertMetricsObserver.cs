using MassTransit;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Hosting;

/// <summary>Counts every <see cref="AlertRaised"/> the bus publishes, by species group and severity.</summary>
internal sealed class AlertMetricsObserver : IPublishObserver
{
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        if (context?.Message is AlertRaised alert)
        {
            PipelineTelemetry.RecordAlert(alert.SpeciesGroup, alert.Severity.ToString());
        }

        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
