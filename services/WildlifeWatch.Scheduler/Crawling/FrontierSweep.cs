using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Chooses the frontier entries to announce again: released and still queued for longer than the lease, oldest first, at most
/// <c>maxPerSweep</c> at a time, each one backing off (lease, 2×, 4×, ... capped) so that a long but healthy
/// fetcher backlog is not flooded with duplicates. Not thread-safe: one sweeper owns it.
/// </summary>
public sealed class FrontierSweep(TimeSpan requeueAfter, TimeSpan maxBackoff, int maxPerSweep)
{
    private readonly Dictionary<(string CrawlId, string Url), (int Attempts, DateTimeOffset NextAt)> _announced = [];

    public IReadOnlyList<FrontierEntry> Select(string crawlId, IEnumerable<FrontierEntry> frontier, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        // Only released entries were announced; the waiting ones are the release's business, not the lease's.
        var queued = frontier.Where(e => e.State == FrontierState.Queued && e.CrawlId == crawlId && e.ReleasedAt is not null).ToList();

        // Forget entries that have been closed since: the state stays as small as the queued part of the frontier.
        var stillQueued = queued.Select(e => e.NormalizedUrl).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _announced.Keys.Where(k => k.CrawlId == crawlId && !stillQueued.Contains(k.Url)).ToList())
        {
            _announced.Remove(key);
        }

        var due = queued
            .Where(e => now - e.ReleasedAt!.Value >= requeueAfter)
            .Where(e => !_announced.TryGetValue((crawlId, e.NormalizedUrl), out var last) || now >= last.NextAt)
            .OrderBy(e => e.ReleasedAt)
            .ThenBy(e => e.NormalizedUrl, StringComparer.Ordinal)
            .Take(maxPerSweep)
            .ToList();

        foreach (var entry in due)
        {
            var attempts = _announced.TryGetValue((crawlId, entry.NormalizedUrl), out var last) ? last.Attempts + 1 : 1;
            var backoff = TimeSpan.FromTicks((long)Math.Min(maxBackoff.Ticks, requeueAfter.Ticks * Math.Pow(2, attempts - 1)));
            _announced[(crawlId, entry.NormalizedUrl)] = (attempts, now + backoff);
        }

        return due;
    }
}
