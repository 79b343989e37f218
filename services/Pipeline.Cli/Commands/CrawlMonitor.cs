using System.Diagnostics;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

internal enum CrawlOutcome
{
    Finished,
    Stalled,
    TimedOut,
}

/// <summary>Shows a crawl's progress live and tells when it is done: every stage idle, read from the store.</summary>
internal sealed class CrawlMonitor(IPipelineStore store, string crawlId, TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(3);

    public async Task<CrawlOutcome> WaitUntilDoneAsync(TimeSpan timeout, CancellationToken ct)
    {
        var interactive = !Console.IsOutputRedirected;
        var clock = Stopwatch.StartNew();
        var lastChange = clock.Elapsed;
        TimeSpan? lastPrint = null;
        CrawlProgress? previous = null;
        var idlePolls = 0;
        while (true)
        {
            await Task.Delay(Poll, ct);
            var progress = await store.GetProgressAsync(crawlId, ct);
            if (progress != previous)
            {
                lastChange = clock.Elapsed;
                previous = progress;
            }

            if (interactive || lastPrint is null || clock.Elapsed - lastPrint >= TimeSpan.FromSeconds(2))
            {
                var text = Describe(progress, clock.Elapsed);
                await output.WriteAsync(interactive ? "\r" + text.PadRight(Math.Max(0, Console.WindowWidth - 1)) : text + Environment.NewLine);
                lastPrint = clock.Elapsed;
            }

            var started = progress.FrontierQueued + progress.FrontierDone + progress.FrontierFailed > 0 || clock.Elapsed > TimeSpan.FromSeconds(15);

            // Idle twice in a row: a message in flight between two stages always leaves a pending row behind.
            idlePolls = started && progress.IsIdle ? idlePolls + 1 : 0;
            CrawlOutcome? outcome = idlePolls >= 2 ? CrawlOutcome.Finished
                : clock.Elapsed - lastChange > StallLimit ? CrawlOutcome.Stalled
                : clock.Elapsed > timeout ? CrawlOutcome.TimedOut
                : null;
            if (outcome is { } done)
            {
                if (interactive)
                {
                    await output.WriteLineAsync();
                }

                await output.WriteLineAsync(Describe(progress, clock.Elapsed));
                return done;
            }
        }
    }

    private static string Describe(CrawlProgress p, TimeSpan elapsed) =>
        $"[{elapsed:mm\\:ss}] pages {p.Captures} captured, {p.FrontierFailed} failed, {p.FrontierQueued} queued | " +
        $"listings {p.Listings} extracted, {p.Listings - p.ListingsPendingScore} scored | alerts {p.Alerts}";
}
