using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Scheduler;

internal static class HostStarted
{
    /// <summary>Waits until the host, and with it the bus, has started: a publish before would be lost.</summary>
    public static async Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (ct.Register(() => started.TrySetCanceled(ct)))
        {
            await started.Task;
        }
    }
}
