using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Store;

/// <summary>
/// Applies <see cref="StoreOptions.RawCaptureRetentionDays"/>: purges the raw artifacts of settled, non-alerted
/// captures older than the retention, and records each purge in the audit log.
/// </summary>
public sealed class RetentionSweeper(IPipelineStore store, IOptions<StoreOptions> options, TimeProvider clock, ILogger<RetentionSweeper> logger) : BackgroundService
{
    public const string Actor = "system:retention";

    /// <summary>One sweep; returns null when retention is off.</summary>
    public async Task<PurgeResult?> SweepOnceAsync(CancellationToken ct)
    {
        var days = options.Value.RawCaptureRetentionDays;
        if (days <= 0)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var cutoff = now - TimeSpan.FromDays(days);
        var result = await store.PurgeRawCapturesAsync(cutoff, ct);
        await store.AppendAuditAsync(new AuditEntry(Actor, "purge-raw-captures", "captures",
            $"older than {cutoff:O} ({days} days): {result.CapturesPurged} captures, {result.ArtifactsDeleted} artifacts", now), ct);
        logger.LogInformation("Retention: purged {Captures} non-alerted captures older than {Days} days ({Artifacts} artifacts)",
            result.CapturesPurged, days, result.ArtifactsDeleted);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RawCaptureRetentionDays <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, clock);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep is retried at the next tick; retention must never take a service down.
                logger.LogError(e, "Retention sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
