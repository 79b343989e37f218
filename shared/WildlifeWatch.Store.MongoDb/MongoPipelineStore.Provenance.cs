using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using static WildlifeWatch.Store.MongoDb.MongoBson;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>Specimen provenance declarations, kept as submitted, with a multikey listing index.</summary>
public sealed partial class MongoPipelineStore
{
    private static readonly JsonSerializerOptions DeclarationJson = new(JsonSerializerDefaults.Web);

    private IMongoCollection<BsonDocument> Declarations => Collection(MongoSchema.ProvenanceDeclarations);

    public Task<bool> AddProvenanceDeclarationAsync(ProvenanceDeclaration declaration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var document = new BsonDocument
        {
            { "declaration_json", JsonSerializer.Serialize(declaration, DeclarationJson) },
            { "listing_ids", new BsonArray(declaration.ListingIds.Distinct(StringComparer.Ordinal)) },
            { "submitted_at", Time(declaration.SubmittedAt) },
        };
        return InsertIfAbsentAsync(Declarations, new BsonDocument("_id", declaration.Id), document, ct);
    }

    public async Task<ProvenanceDeclaration?> GetProvenanceDeclarationAsync(string id, CancellationToken ct = default)
    {
        var document = await Declarations.Find(F.Eq("_id", id)).FirstOrDefaultAsync(ct);
        return document is null ? null : ToDeclaration(document);
    }

    public async Task<IReadOnlyList<ProvenanceDeclaration>> GetProvenanceDeclarationsAsync(string? listingId = null, CancellationToken ct = default) =>
        (await Declarations.Find(listingId is null ? F.Empty : F.Eq("listing_ids", listingId)).Sort(S.Ascending("submitted_at").Ascending("_id")).ToListAsync(ct))
            .Select(ToDeclaration).ToList();

    private static ProvenanceDeclaration ToDeclaration(BsonDocument d) =>
        JsonSerializer.Deserialize<ProvenanceDeclaration>(d["declaration_json"].AsString, DeclarationJson)
            ?? throw new InvalidDataException("A stored provenance declaration is empty.");
}
