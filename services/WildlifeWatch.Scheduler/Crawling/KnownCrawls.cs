using System.Collections.Concurrent;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>The crawls this scheduler process has started, resumed or received links for: what its sweeper looks after.</summary>
public sealed class KnownCrawls
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Add(string crawlId) => _ids.TryAdd(crawlId, 0);

    public IReadOnlyCollection<string> Ids => _ids.Keys.Order(StringComparer.Ordinal).ToList();
}
