using MongoDB.Bson;
using MongoDB.Driver;
using static WildlifeWatch.Store.MongoDb.MongoBson;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>Cases of the investigators' portal: one document per case, one per (case, listing).</summary>
public sealed partial class MongoPipelineStore
{
    private IMongoCollection<BsonDocument> Cases => Collection(MongoSchema.Cases);
    private IMongoCollection<BsonDocument> CaseListings => Collection(MongoSchema.CaseListings);

    public async Task<bool> CreateCaseAsync(InvestigationCase investigation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        ArgumentException.ThrowIfNullOrWhiteSpace(investigation.Id);
        var inserted = await InsertIfAbsentAsync(Cases, new BsonDocument("_id", investigation.Id), new BsonDocument
        {
            { "title", investigation.Title },
            { "created_by", investigation.CreatedBy },
            { "created_at", Time(investigation.CreatedAt) },
        }, ct);
        if (inserted)
        {
            // No transaction: a crash right here loses this audit line; the case itself still names who and when.
            await AppendAuditAsync(new AuditEntry(investigation.CreatedBy, CaseAudit.Created, investigation.Id, investigation.Title, investigation.CreatedAt), ct);
        }

        return inserted;
    }

    public async Task<InvestigationCase?> GetCaseAsync(string caseId, CancellationToken ct = default) =>
        await Cases.Find(F.Eq("_id", caseId)).FirstOrDefaultAsync(ct) is { } d ? ToCase(d) : null;

    public async Task<IReadOnlyList<InvestigationCase>> GetCasesAsync(CancellationToken ct = default) =>
        (await Cases.Find(F.Empty).Sort(S.Descending("created_at").Ascending("_id")).ToListAsync(ct)).Select(ToCase).ToList();

    public async Task<bool> AddListingToCaseAsync(CaseListing entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (await Cases.Find(F.Eq("_id", entry.CaseId)).AnyAsync(ct) is false)
        {
            throw new KeyNotFoundException($"No case '{entry.CaseId}'.");
        }

        var key = new BsonDocument { { "case_id", entry.CaseId }, { "listing_id", entry.ListingId } };
        // An ObjectId from this client orders additions made within the same instant.
        var inserted = await InsertIfAbsentAsync(CaseListings, key, new BsonDocument
        {
            { "case_id", entry.CaseId },
            { "listing_id", entry.ListingId },
            { "added_by", entry.AddedBy },
            { "added_at", Time(entry.AddedAt) },
            { "seq", ObjectId.GenerateNewId() },
        }, ct);
        if (inserted)
        {
            await AppendAuditAsync(new AuditEntry(entry.AddedBy, CaseAudit.ListingAdded, entry.ListingId, $"case {entry.CaseId}", entry.AddedAt), ct);
        }

        return inserted;
    }

    public async Task<IReadOnlyList<CaseListing>> GetCaseListingsAsync(string caseId, CancellationToken ct = default) =>
        (await CaseListings.Find(F.Eq("case_id", caseId)).Sort(S.Ascending("seq")).ToListAsync(ct))
            .Select(d => new CaseListing(d["case_id"].AsString, d["listing_id"].AsString, d["added_by"].AsString, ParseTime(d["added_at"]))).ToList();

    /// <summary>The capture ids whose page a watched listing records as removed: what the removed/live filter selects on.</summary>
    private async Task<List<string>> RemovedCaptureIdsAsync(CancellationToken ct)
    {
        var urls = (await WatchedListings.Find(F.Ne("removed_at", BsonNull.Value)).Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(ct))
            .Select(d => d["_id"].AsString).ToList();
        if (urls.Count == 0)
        {
            return [];
        }

        return (await Captures.Find(F.In("normalized_url", urls)).Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(ct))
            .Select(d => d["_id"].AsString).ToList();
    }

    private static InvestigationCase ToCase(BsonDocument d) =>
        new(d["_id"].AsString, d["title"].AsString, d["created_by"].AsString, ParseTime(d["created_at"]));
}
