using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Owns the frontier: admits start URLs and discovered links that are in scope, within depth, allowed by
/// robots.txt and new for the crawl, and announces each admitted URL exactly once. The frontier row is
/// written before the request that announces it is published.
/// </summary>
public sealed class CrawlPlanner(
    IPipelineStore store,
    IPublishEndpoint publisher,
    UrlNormalizer normalizer,
    RobotsCache robots,
    ILogger<CrawlPlanner> logger,
    KnownCrawls? known = null)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, CrawlScope>> _scopes = new(StringComparer.Ordinal);

    /// <summary>Starts a crawl, or resumes it when it exists: start URLs already admitted are not announced again.</summary>
    public async Task<int> StartAsync(string crawlId, SeedSet seeds, CancellationToken ct)
    {
        await store.CreateCrawlAsync(new Crawl(crawlId, DateTimeOffset.UtcNow, SeedsLoader.ToJson(seeds)), ct);
        known?.Add(crawlId);
        var stored = await store.GetCrawlAsync(crawlId, ct)
            ?? throw new InvalidOperationException($"Crawl '{crawlId}' was not stored.");
        var scopes = ScopesFor(crawlId, SeedsLoader.FromJson(stored.SeedsJson));

        var entries = new List<FrontierEntry>();
        foreach (var scope in scopes.Values)
        {
            foreach (var url in scope.Seed.StartUrls)
            {
                var normalized = normalizer.Normalize(url);
                if (normalized is not null && await IsAdmissibleAsync(scope, normalized, 0, ct))
                {
                    entries.Add(new FrontierEntry(crawlId, normalized.AbsoluteUri, url, scope.Seed.Id, 0, FrontierState.Queued, DateTimeOffset.UtcNow));
                }
            }
        }

        var admitted = await store.AdmitAsync(entries, ct);
        await AnnounceAsync(admitted, ct);
        logger.LogInformation("Crawl {CrawlId}: {Admitted} start URLs admitted of {Seeds} seeds", crawlId, admitted.Count, scopes.Count);
        return admitted.Count;
    }

    public Task<int> TakeLinksAsync(LinksDiscovered message, CancellationToken ct) => TakeLinksAsync(message, false, ct);

    /// <summary>
    /// Admits a page's new links and announces them. With <paramref name="mayBeRepeat"/> (a retry or a redelivery)
    /// it also announces the page's links that are still queued: an earlier attempt may have admitted them and
    /// died before publishing. Returns the number of newly admitted entries.
    /// </summary>
    public async Task<int> TakeLinksAsync(LinksDiscovered message, bool mayBeRepeat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        known?.Add(message.CrawlId);
        var scopes = await ScopesForAsync(message.CrawlId, ct);
        var entries = new List<FrontierEntry>();
        var depth = message.SourceDepth + 1;
        if (scopes.TryGetValue(message.SeedId, out var scope) && scope.AllowsDepth(depth))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var source = new Uri(message.SourceNormalizedUrl);
            foreach (var link in message.Links)
            {
                var normalized = normalizer.Normalize(link, source);
                if (normalized is not null && seen.Add(normalized.AbsoluteUri) && await IsAdmissibleAsync(scope, normalized, depth, ct))
                {
                    entries.Add(new FrontierEntry(message.CrawlId, normalized.AbsoluteUri, link, scope.Seed.Id, depth, FrontierState.Queued, DateTimeOffset.UtcNow));
                }
            }
        }

        var admitted = await store.ExpandAsync(message.CrawlId, message.SourceNormalizedUrl, entries, ct);
        await AnnounceAsync(admitted, ct);
        if (mayBeRepeat && entries.Count > admitted.Count)
        {
            var candidates = entries.Select(e => e.NormalizedUrl).Except(admitted.Select(a => a.NormalizedUrl), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var stillQueued = (await store.GetFrontierAsync(message.CrawlId, ct))
                .Where(f => f.State == FrontierState.Queued && candidates.Contains(f.NormalizedUrl))
                .ToList();
            await AnnounceAsync(stillQueued, ct);
            logger.LogInformation("Crawl {CrawlId}: repeated links of {Url}; announced {Count} still-queued entries again", message.CrawlId, message.SourceNormalizedUrl, stillQueued.Count);
        }

        return admitted.Count;
    }

    public Task RecordFailureAsync(FetchFailed message, CancellationToken ct) =>
        store.MarkFailedAsync(message.CrawlId, message.NormalizedUrl, message.Reason, ct);

    private async Task<bool> IsAdmissibleAsync(CrawlScope scope, Uri normalized, int depth, CancellationToken ct)
    {
        if (!scope.AllowsDepth(depth) || !scope.Allows(normalized))
        {
            return false;
        }

        if (scope.Seed.RespectRobotsTxt && !(await robots.GetAsync(normalized, ct)).IsAllowed(normalized))
        {
            logger.LogDebug("robots.txt disallows {Url}", normalized);
            return false;
        }

        return true;
    }

    private async Task AnnounceAsync(IReadOnlyList<FrontierEntry> admitted, CancellationToken ct)
    {
        foreach (var entry in admitted)
        {
            // Each page starts its own journey: its correlation id and its trace follow it to the alert.
            using var journey = PipelineTelemetry.StartPageJourney(entry.CrawlId, entry.Url);
            await publisher.Publish(new FetchRequested(NewId.NextGuid(), entry.CrawlId, entry.SeedId, entry.Url, entry.NormalizedUrl, entry.Depth, DateTimeOffset.UtcNow), ct);
        }
    }

    private async Task<IReadOnlyDictionary<string, CrawlScope>> ScopesForAsync(string crawlId, CancellationToken ct)
    {
        if (_scopes.TryGetValue(crawlId, out var scopes))
        {
            return scopes;
        }

        // Another replica, or an earlier run of this one, started the crawl: its seeds are in the store.
        var crawl = await store.GetCrawlAsync(crawlId, ct)
            ?? throw new InvalidOperationException($"Links arrived for crawl '{crawlId}', which the store does not know.");
        return ScopesFor(crawlId, SeedsLoader.FromJson(crawl.SeedsJson));
    }

    private IReadOnlyDictionary<string, CrawlScope> ScopesFor(string crawlId, SeedSet seeds) =>
        _scopes.GetOrAdd(crawlId, _ => seeds.Seeds.ToDictionary(s => s.Id, s => new CrawlScope(s, normalizer), StringComparer.Ordinal));
}
