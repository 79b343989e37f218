using System.Globalization;
using System.Numerics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using static WildlifeWatch.Store.MongoDb.MongoBson;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>Listing traits, contact and image lookups, and actor links in the MongoDB store.</summary>
public sealed partial class MongoPipelineStore
{
    /// <summary>A hash is indexed as 8 one-byte bands: two hashes within 7 bits share at least one band (pigeonhole).</summary>
    internal const int ImageBands = 8;

    private static readonly JsonSerializerOptions TraitsJson = new(JsonSerializerDefaults.Web);

    private IMongoCollection<BsonDocument> Traits => Collection(MongoSchema.ListingTraits);
    private IMongoCollection<BsonDocument> Links => Collection(MongoSchema.ActorLinks);

    /// <summary>One document per listing, replaced whole: an atomic single-document write, so a redelivery is harmless.</summary>
    public async Task SaveListingTraitsAsync(ListingTraits traits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var document = new BsonDocument
        {
            { "_id", traits.ListingId },
            { "language", Nullable(traits.Language) },
            { "traits_json", JsonSerializer.Serialize(traits, TraitsJson) },
            { "contacts", new BsonArray(traits.Contacts.Select(c => new BsonDocument { { "kind", c.Kind }, { "value", c.Value } })) },
            { "images", new BsonArray(traits.Images.Select(i => new BsonDocument { { "url", i.Url }, { "phash", unchecked((long)i.PerceptualHash) }, { "detail", i.Detail } })) },
            { "image_bands", new BsonArray(traits.Images.SelectMany(i => Bands(i.PerceptualHash)).Distinct()) },
            { "saved_at", Time(DateTimeOffset.UtcNow) },
        };
        await Traits.ReplaceOneAsync(F.Eq("_id", traits.ListingId), document, new ReplaceOptions { IsUpsert = true }, ct);
    }

    public async Task<ListingTraits?> GetListingTraitsAsync(string listingId, CancellationToken ct = default) =>
        await Traits.Find(F.Eq("_id", listingId)).FirstOrDefaultAsync(ct) is { } d
            ? JsonSerializer.Deserialize<ListingTraits>(d["traits_json"].AsString, TraitsJson)
            : null;

    public async Task<IReadOnlyList<string>> FindListingsByContactAsync(string kind, string value, CancellationToken ct = default) =>
        (await Traits.Find(F.ElemMatch<BsonValue>("contacts", new BsonDocument { { "kind", kind }, { "value", value } }))
            .Project(Builders<BsonDocument>.Projection.Include("_id")).Sort(S.Ascending("_id")).ToListAsync(ct))
        .Select(d => d["_id"].AsString).ToList();

    public async Task<IReadOnlyList<ImageMatch>> FindSimilarImagesAsync(ulong perceptualHash, int maxDistance, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);

        // Within the band bound the band index finds every candidate; beyond it only a scan of the listings with images can.
        var filter = maxDistance < ImageBands
            ? F.In("image_bands", Bands(perceptualHash))
            : F.SizeGt("images", 0);
        var documents = await Traits.Find(filter).Project(Builders<BsonDocument>.Projection.Include("images")).ToListAsync(ct);
        return documents
            .SelectMany(d => d["images"].AsBsonArray.Select(i => i.AsBsonDocument).Select(i =>
            {
                var hash = unchecked((ulong)i["phash"].AsInt64);
                return new ImageMatch(d["_id"].AsString, i["url"].AsString, hash, BitOperations.PopCount(hash ^ perceptualHash))
                {
                    Detail = i.TryGetValue("detail", out var detail) ? detail.ToDouble() : 0,
                };
            }))
            .Where(m => m.Distance <= maxDistance)
            .OrderBy(m => m.Distance).ThenBy(m => m.ListingId, StringComparer.Ordinal).ThenBy(m => m.ImageUrl, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<int> AddActorLinksAsync(IReadOnlyList<ActorLink> links, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(links);
        var added = 0;
        foreach (var link in links)
        {
            var key = new BsonDocument("_id", Hashing.Sha256Hex(string.Join('\n', link.ListingA, link.ListingB, link.Kind, link.Evidence)));
            var document = new BsonDocument
            {
                { "listing_a", link.ListingA }, { "listing_b", link.ListingB }, { "kind", link.Kind }, { "evidence", link.Evidence },
                { "linked_at", Time(link.LinkedAt) },
            };
            if (await InsertIfAbsentAsync(Links, key, document, ct))
            {
                added++;
            }
        }

        return added;
    }

    public async Task<IReadOnlyList<ActorLink>> GetActorLinksAsync(IReadOnlyCollection<string>? listingIds = null, CancellationToken ct = default)
    {
        var filter = listingIds is null ? F.Empty : F.Or(F.In("listing_a", listingIds), F.In("listing_b", listingIds));
        var documents = await Links.Find(filter).Sort(S.Ascending("listing_a").Ascending("listing_b").Ascending("kind").Ascending("evidence")).ToListAsync(ct);
        return documents.Select(d => new ActorLink(
            d["listing_a"].AsString, d["listing_b"].AsString, d["kind"].AsString, d["evidence"].AsString, ParseTime(d["linked_at"]))).ToList();
    }

    private static IEnumerable<string> Bands(ulong hash) =>
        Enumerable.Range(0, ImageBands).Select(i => i.ToString(CultureInfo.InvariantCulture) + ":" + ((hash >> (i * 8)) & 0xFF).ToString("x2", CultureInfo.InvariantCulture));
}
