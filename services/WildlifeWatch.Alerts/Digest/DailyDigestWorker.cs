using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Alerts.Digest;

/// <summary>Every day at <c>Alerts:Digest:At</c> (UTC), sends the previous day's digests when <c>Alerts:Digest:Enabled</c>.</summary>
public sealed class DailyDigestWorker(IServiceScopeFactory scopes, IOptions<DigestOptions> options, TimeProvider clock, ILogger<DailyDigestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = DigestOptions.NextRun(now, options.Value.AtTime());
            await Task.Delay(next - now, clock, stoppingToken);
            var day = DateOnly.FromDateTime(next.UtcDateTime).AddDays(-1);
            try
            {
                using var scope = scopes.CreateScope();
                var sent = await scope.ServiceProvider.GetRequiredService<AlertDigestService>().SendForDayAsync(day, stoppingToken);
                logger.LogInformation("Digest of {Day}: {Sent} sent", day, sent);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed day must not stop the next ones; failures of single e-mails are audited by the sender.
                logger.LogError(e, "Digest of {Day} failed", day);
            }

            // Past the minute of the run, so a clock within it does not send twice.
            await Task.Delay(TimeSpan.FromSeconds(61), clock, stoppingToken);
        }
    }
}
