using System.Numerics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>Listing traits, contact and image lookups, and actor links in the SQLite store.</summary>
public sealed partial class SqlitePipelineStore
{
    public Task SaveListingTraitsAsync(ListingTraits traits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traits);
        return WriteAsync(async (c, tx) =>
        {
            var id = ("$id", (object?)traits.ListingId);
            await ExecuteAsync(c, tx,
                "INSERT OR REPLACE INTO listing_traits(listing_id, language, traits_json, saved_at) VALUES ($id, $language, $json, $at);", ct,
                id, ("$language", traits.Language), ("$json", JsonSerializer.Serialize(traits, Json)), ("$at", Time(DateTimeOffset.UtcNow)));
            await ExecuteAsync(c, tx, "DELETE FROM listing_contacts WHERE listing_id = $id;", ct, id);
            foreach (var contact in traits.Contacts)
            {
                await ExecuteAsync(c, tx, "INSERT OR IGNORE INTO listing_contacts(kind, value, listing_id) VALUES ($kind, $value, $id);", ct,
                    ("$kind", contact.Kind), ("$value", contact.Value), id);
            }

            await ExecuteAsync(c, tx, "DELETE FROM listing_images WHERE listing_id = $id;", ct, id);
            foreach (var image in traits.Images)
            {
                await ExecuteAsync(c, tx, "INSERT OR IGNORE INTO listing_images(listing_id, url, phash, detail) VALUES ($id, $url, $phash, $detail);", ct,
                    id, ("$url", image.Url), ("$phash", unchecked((long)image.PerceptualHash)), ("$detail", image.Detail));
            }

            return 0;
        }, ct);
    }

    public async Task<ListingTraits?> GetListingTraitsAsync(string listingId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, "SELECT traits_json FROM listing_traits WHERE listing_id = $id;",
            r => JsonSerializer.Deserialize<ListingTraits>(r.GetString(0), Json)!, ct, ("$id", listingId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<string>> FindListingsByContactAsync(string kind, string value, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, "SELECT listing_id FROM listing_contacts WHERE kind = $kind AND value = $value ORDER BY listing_id;",
            r => r.GetString(0), ct, ("$kind", kind), ("$value", value));
    }

    /// <summary>
    /// A scan with a Hamming-distance function over the 8-byte hashes: linear, but in-process and cheap per row (about a
    /// million rows a second); an index by hash bands, as the MongoDB store has, pays off only far beyond that.
    /// </summary>
    public async Task<IReadOnlyList<ImageMatch>> FindSimilarImagesAsync(ulong perceptualHash, int maxDistance, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        await using var c = await OpenAsync(ct);
        c.CreateFunction("hamming", (long a, long b) => (long)BitOperations.PopCount((ulong)(a ^ b)), isDeterministic: true);
        return await QueryAsync(c,
            "SELECT listing_id, url, phash, hamming(phash, $h) AS d, detail FROM listing_images WHERE hamming(phash, $h) <= $max ORDER BY d, listing_id, url;",
            r => new ImageMatch(r.GetString(0), r.GetString(1), unchecked((ulong)r.GetInt64(2)), r.GetInt32(3)) { Detail = r.GetDouble(4) }, ct,
            ("$h", unchecked((long)perceptualHash)), ("$max", maxDistance));
    }

    public Task<int> AddActorLinksAsync(IReadOnlyList<ActorLink> links, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(links);
        return WriteAsync(async (c, tx) =>
        {
            var added = 0;
            foreach (var link in links)
            {
                added += await ExecuteAsync(c, tx,
                    "INSERT OR IGNORE INTO actor_links(listing_a, listing_b, kind, evidence, linked_at) VALUES ($a, $b, $kind, $evidence, $at);", ct,
                    ("$a", link.ListingA), ("$b", link.ListingB), ("$kind", link.Kind), ("$evidence", link.Evidence), ("$at", Time(link.LinkedAt)));
            }

            return added;
        }, ct);
    }

    public async Task<IReadOnlyList<ActorLink>> GetActorLinksAsync(IReadOnlyCollection<string>? listingIds = null, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        const string Select = "SELECT listing_a, listing_b, kind, evidence, linked_at FROM actor_links";
        static ActorLink Read(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)));
        if (listingIds is null)
        {
            return await QueryAsync(c, Select + " ORDER BY listing_a, listing_b, kind, evidence;", Read, ct);
        }

        var links = new List<ActorLink>();
        foreach (var id in listingIds.Distinct(StringComparer.Ordinal))
        {
            links.AddRange(await QueryAsync(c, Select + " WHERE listing_a = $id OR listing_b = $id;", Read, ct, ("$id", id)));
        }

        return links.DistinctBy(l => (l.ListingA, l.ListingB, l.Kind, l.Evidence)).ToList();
    }
}
