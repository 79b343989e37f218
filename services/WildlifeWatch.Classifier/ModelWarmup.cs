using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Classifier;

/// <summary>Starts loading (or training) the model when the service starts, without holding up the host's start.</summary>
internal sealed class ModelWarmup(ModelProvider models) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Fire and forget: consumers await the same task; a failure here is retried by the first consumer.
        _ = models.GetAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
