using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Owns the frontier: admits start URLs, sitemap URLs and discovered links that are in scope, within depth, allowed by
/// robots.txt and new for the crawl, each with a priority (<see cref="LinkScorer"/>); then releases the waiting entries
/// to the fetchers highest priority first, at most <see cref="SchedulerOptions.MaxInFlightPerCrawl"/> unanswered at a
/// time. A frontier row is written, and marked released, before the request that announces it is published.
/// </summary>
public sealed class CrawlPlanner(
    IPipelineStore store,
    IPublishEndpoint publisher,
    UrlNormalizer normalizer,
    RobotsCache robots,
    LinkScorer scorer,
    ILogger<CrawlPlanner> logger,
    IOptions<SchedulerOptions>? options = null,
    SitemapReader? sitemaps = null,
    KnownCrawls? known = null,
    TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, CrawlScope>> _scopes = new(StringComparer.Ordinal);
    private readonly SchedulerOptions _options = options?.Value ?? new SchedulerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Starts a crawl, or resumes it when it exists: start URLs already admitted are not admitted again.</summary>
    public async Task<int> StartAsync(string crawlId, SeedSet seeds, CancellationToken ct)
    {
        await store.CreateCrawlAsync(new Crawl(crawlId, _time.GetUtcNow(), SeedsLoader.ToJson(seeds)), ct);
        known?.Add(crawlId);
        var stored = await store.GetCrawlAsync(crawlId, ct)
            ?? throw new InvalidOperationException($"Crawl '{crawlId}' was not stored.");
        var scopes = ScopesFor(crawlId, SeedsLoader.FromJson(stored.SeedsJson));

        var admitted = 0;
        foreach (var scope in scopes.Values)
        {
            var entries = new List<FrontierEntry>();
            foreach (var url in scope.StartUrls)
            {
                var normalized = normalizer.Normalize(url);
                if (normalized is not null && await IsAdmissibleAsync(scope, normalized, 0, ct))
                {
                    // Start and search pages go first: everything else is found through them.
                    entries.Add(Entry(crawlId, scope, normalized, url, 0, LinkScorer.StartPriority));
                }
            }

            admitted += (await store.AdmitAsync(entries, ct)).Count;
            admitted += await AdmitSitemapsAsync(crawlId, scope, ct);
        }

        await ReleaseAsync(crawlId, ct);
        logger.LogInformation("Crawl {CrawlId}: {Admitted} start URLs admitted (sitemap pages included) of {Seeds} seeds", crawlId, admitted, scopes.Count);
        return admitted;
    }

    public Task<int> TakeLinksAsync(LinksDiscovered message, CancellationToken ct) => TakeLinksAsync(message, false, ct);

    /// <summary>
    /// Admits a page's new links, closes the page and releases what the freed slot allows. A page whose visible text
    /// was already captured under another URL of the crawl is closed without expanding its links again. With
    /// <paramref name="mayBeRepeat"/> (a retry or a redelivery) it also announces the page's links that are released
    /// and still queued: an earlier attempt may have released them and died before publishing. Returns the number of
    /// newly admitted entries.
    /// </summary>
    public async Task<int> TakeLinksAsync(LinksDiscovered message, bool mayBeRepeat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        known?.Add(message.CrawlId);
        var scopes = await ScopesForAsync(message.CrawlId, ct);
        var entries = new List<FrontierEntry>();
        var depth = message.SourceDepth + 1;
        var expand = scopes.TryGetValue(message.SeedId, out var scope) && scope.AllowsDepth(depth);
        if (expand && await store.FindEarlierSameContentAsync(message.CrawlId, message.SourceNormalizedUrl, ct) is { } original)
        {
            expand = false;
            logger.LogInformation("Crawl {CrawlId}: {Url} shows the same content as {Original}; its links are not followed again", message.CrawlId, message.SourceNormalizedUrl, original);
        }

        if (expand && scope is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var source = new Uri(message.SourceNormalizedUrl);
            foreach (var link in message.Links)
            {
                var normalized = normalizer.Normalize(link, source);
                if (normalized is not null && seen.Add(normalized.AbsoluteUri) && await IsAdmissibleAsync(scope, normalized, depth, ct))
                {
                    entries.Add(Entry(message.CrawlId, scope, normalized, link, depth, scorer.Score(normalized, depth, scope, message.AnchorTexts?.GetValueOrDefault(link))));
                }
            }
        }

        if (scope is not null)
        {
            await WatchListingAsync(message.CrawlId, scope, message.SourceNormalizedUrl, ct);
        }

        var admitted = await store.ExpandAsync(message.CrawlId, message.SourceNormalizedUrl, entries, ct);
        await ReleaseAsync(message.CrawlId, ct);
        if (mayBeRepeat && entries.Count > admitted.Count)
        {
            var candidates = entries.Select(e => e.NormalizedUrl).Except(admitted.Select(a => a.NormalizedUrl), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var stillQueued = (await store.GetFrontierAsync(message.CrawlId, ct))
                .Where(f => f.State == FrontierState.Queued && f.ReleasedAt is not null && candidates.Contains(f.NormalizedUrl))
                .ToList();
            await AnnounceAsync(stillQueued, ct);
            logger.LogInformation("Crawl {CrawlId}: repeated links of {Url}; announced {Count} released, still-queued entries again", message.CrawlId, message.SourceNormalizedUrl, stillQueued.Count);
        }

        return admitted.Count;
    }

    public async Task RecordFailureAsync(FetchFailed message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (RemovalDetector.FromStatus(message.Status) is { } removal
            && await store.MarkListingRemovedAsync(message.NormalizedUrl, message.FailedAt, removal, ct))
        {
            logger.LogInformation("Crawl {CrawlId}: watched listing {Url} is gone ({Reason})", message.CrawlId, message.NormalizedUrl, removal);
        }

        await store.MarkFailedAsync(message.CrawlId, message.NormalizedUrl, message.Reason, ct);
        await ReleaseAsync(message.CrawlId, ct);
    }

    /// <summary>Releases the crawl's waiting entries that the in-flight bound allows, highest priority first, and announces them.</summary>
    public async Task<int> ReleaseAsync(string crawlId, CancellationToken ct)
    {
        var released = await store.ReleaseAsync(crawlId, _options.MaxInFlightPerCrawl, _time.GetUtcNow(), ct);
        await AnnounceAsync(released, ct);
        return released.Count;
    }

    /// <summary>A captured listing page is watched: seen online, or found removed (a removal text, a redirect to search or home).</summary>
    private async Task WatchListingAsync(string crawlId, CrawlScope scope, string normalizedUrl, CancellationToken ct)
    {
        var url = new Uri(normalizedUrl);
        if (!scope.IsListing(url) || await store.GetLatestCaptureAsync(crawlId, normalizedUrl, ct) is not { } capture)
        {
            return;
        }

        var text = await store.GetArtifactAsync(capture.TextSha256, ct) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : string.Empty;
        if (RemovalDetector.FromCapture(url, new Uri(capture.FinalUrl), text, scope.Seed.RemovedMarkers) is { } removal)
        {
            if (await store.MarkListingRemovedAsync(normalizedUrl, capture.CapturedAt, removal, ct))
            {
                logger.LogInformation("Crawl {CrawlId}: watched listing {Url} is gone ({Reason})", crawlId, normalizedUrl, removal);
            }

            return;
        }

        await store.RecordListingSeenAsync(normalizedUrl, scope.Seed.Id, crawlId, capture.CapturedAt, ct);
    }

    private async Task<int> AdmitSitemapsAsync(string crawlId, CrawlScope scope, CancellationToken ct)
    {
        if (sitemaps is null || !scope.AllowsDepth(1))
        {
            return 0;
        }

        var sources = new List<string>(scope.Seed.Sitemaps);
        if (scope.Seed.UseRobotsSitemaps)
        {
            foreach (var origin in scope.StartUrls.Select(u => normalizer.Normalize(u)).OfType<Uri>().DistinctBy(u => u.GetLeftPart(UriPartial.Authority)))
            {
                sources.AddRange((await robots.GetAsync(origin, ct)).Sitemaps);
            }
        }

        if (sources.Count == 0)
        {
            return 0;
        }

        // A sitemap names pages the site wants found: they are taken as one hop from the start, in scope and robots permitting.
        var entries = new List<FrontierEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var url in await sitemaps.ReadAsync(sources.Distinct(StringComparer.Ordinal), ct))
        {
            var normalized = normalizer.Normalize(url);
            if (normalized is not null && seen.Add(normalized.AbsoluteUri) && await IsAdmissibleAsync(scope, normalized, 1, ct))
            {
                entries.Add(Entry(crawlId, scope, normalized, url, 1, scorer.Score(normalized, 1, scope)));
            }
        }

        var admitted = await store.AdmitAsync(entries, ct);
        logger.LogInformation("Crawl {CrawlId}: seed {Seed}: {Admitted} URLs admitted from {Sitemaps} sitemap source(s)", crawlId, scope.Seed.Id, admitted.Count, sources.Count);
        return admitted.Count;
    }

    private FrontierEntry Entry(string crawlId, CrawlScope scope, Uri normalized, string url, int depth, double priority) =>
        new(crawlId, normalized.AbsoluteUri, url, scope.Seed.Id, depth, FrontierState.Queued, _time.GetUtcNow(), Priority: priority);

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

    /// <summary>Publishes a <see cref="FetchRequested"/> for each entry, with its seed's render mode and host delay.</summary>
    public async Task AnnounceAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var scopes = await ScopesForAsync(entries[0].CrawlId, ct);
        foreach (var entry in entries)
        {
            var scope = scopes.GetValueOrDefault(entry.SeedId);
            var delay = scope is null ? null : await HostDelayAsync(scope, new Uri(entry.NormalizedUrl), ct);
            // Each page starts its own journey: its correlation id and its trace follow it to the alert.
            using var journey = PipelineTelemetry.StartPageJourney(entry.CrawlId, entry.Url);
            await publisher.Publish(new FetchRequested(NewId.NextGuid(), entry.CrawlId, entry.SeedId, entry.Url, entry.NormalizedUrl, entry.Depth,
                _time.GetUtcNow(), scope?.Seed.RenderMode, delay is { } d ? (int)Math.Min(int.MaxValue, Math.Ceiling(d.TotalMilliseconds)) : null,
                scope?.Seed.CookiesFor(new Uri(entry.NormalizedUrl))), ct);
        }
    }

    /// <summary>The larger of the seed's rate and the host's robots.txt Crawl-delay, if either asks for one.</summary>
    private async Task<TimeSpan?> HostDelayAsync(CrawlScope scope, Uri url, CancellationToken ct)
    {
        var seedDelay = SeedsLoader.HostDelay(scope.Seed);
        var robotsDelay = scope.Seed.RespectRobotsTxt ? (await robots.GetAsync(url, ct)).CrawlDelay : null;
        return seedDelay is null ? robotsDelay : robotsDelay is null ? seedDelay : (seedDelay > robotsDelay ? seedDelay : robotsDelay);
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
        _scopes.GetOrAdd(crawlId, _ => seeds.Seeds.ToDictionary(s => s.Id, s => new CrawlScope(s, normalizer, seeds.Keywords), StringComparer.Ordinal));
}
