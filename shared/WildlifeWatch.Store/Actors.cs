namespace WildlifeWatch.Store;

/// <summary>
/// Groups linked listings into actors. An actor is a connected component of the link graph; its id is derived from its
/// smallest listing id, so every process names the same group the same way (and a group that gains a smaller listing
/// is renamed, which a reader sees as one actor absorbing another).
/// </summary>
public static class Actors
{
    public static string IdFor(IEnumerable<string> listingIds) =>
        "actor-" + Hashing.Sha256Hex(listingIds.Min(StringComparer.Ordinal)!)[..16];

    /// <summary>The connected components of <paramref name="links"/>, largest first, then by id.</summary>
    public static IReadOnlyList<Actor> Group(IEnumerable<ActorLink> links)
    {
        var all = links.ToList();
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                parent[x] = parent.GetValueOrDefault(p, p);
                x = p;
            }

            return x;
        }

        foreach (var link in all)
        {
            parent.TryAdd(link.ListingA, link.ListingA);
            parent.TryAdd(link.ListingB, link.ListingB);
            var (a, b) = (Find(link.ListingA), Find(link.ListingB));
            if (a != b)
            {
                parent[string.CompareOrdinal(a, b) < 0 ? b : a] = string.CompareOrdinal(a, b) < 0 ? a : b;
            }
        }

        return all.GroupBy(l => Find(l.ListingA), StringComparer.Ordinal)
            .Select(g =>
            {
                var ids = g.SelectMany(l => new[] { l.ListingA, l.ListingB }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                return new Actor(IdFor(ids), ids, [.. g.OrderBy(l => l.ListingA, StringComparer.Ordinal).ThenBy(l => l.ListingB, StringComparer.Ordinal).ThenBy(l => l.Kind, StringComparer.Ordinal)]);
            })
            .OrderByDescending(a => a.ListingIds.Count).ThenBy(a => a.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every actor in the store (reads all links: for reports and the portal's actor list).</summary>
    public static async Task<IReadOnlyList<Actor>> AllAsync(IPipelineStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Group(await store.GetActorLinksAsync(null, ct));
    }

    /// <summary>The actor of one listing, found by walking its links outwards; null when it is linked to nothing.</summary>
    public static async Task<Actor?> OfListingAsync(IPipelineStore store, string listingId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var seen = new HashSet<string>(StringComparer.Ordinal) { listingId };
        var links = new Dictionary<(string, string, string, string), ActorLink>();
        var frontier = new List<string> { listingId };
        while (frontier.Count > 0)
        {
            var next = new List<string>();
            foreach (var link in await store.GetActorLinksAsync(frontier, ct))
            {
                links.TryAdd((link.ListingA, link.ListingB, link.Kind, link.Evidence), link);
                foreach (var id in new[] { link.ListingA, link.ListingB })
                {
                    if (seen.Add(id))
                    {
                        next.Add(id);
                    }
                }
            }

            frontier = next;
        }

        return links.Count == 0 ? null : Group(links.Values).Single();
    }
}
