using Microsoft.Data.Sqlite;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>Cases of the investigators' portal; each change is audited in the same transaction.</summary>
public sealed partial class SqlitePipelineStore
{
    public Task<bool> CreateCaseAsync(InvestigationCase investigation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        ArgumentException.ThrowIfNullOrWhiteSpace(investigation.Id);
        return WriteAsync(async (c, tx) =>
        {
            var inserted = await ExecuteAsync(c, tx,
                "INSERT OR IGNORE INTO cases(id, title, created_by, created_at) VALUES ($id, $title, $by, $at);", ct,
                ("$id", investigation.Id), ("$title", investigation.Title), ("$by", investigation.CreatedBy), ("$at", Time(investigation.CreatedAt))) == 1;
            if (inserted)
            {
                await InsertAuditAsync(c, tx, new AuditEntry(investigation.CreatedBy, CaseAudit.Created, investigation.Id, investigation.Title, investigation.CreatedAt), ct);
            }

            return inserted;
        }, ct);
    }

    public async Task<InvestigationCase?> GetCaseAsync(string caseId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, "SELECT id, title, created_by, created_at FROM cases WHERE id = $id;", ReadCase, ct, ("$id", caseId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<InvestigationCase>> GetCasesAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, "SELECT id, title, created_by, created_at FROM cases ORDER BY created_at DESC, id;", ReadCase, ct);
    }

    public Task<bool> AddListingToCaseAsync(CaseListing entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (c, tx) =>
        {
            if (await ScalarAsync(c, tx, "SELECT 1 FROM cases WHERE id = $id;", ct, ("$id", entry.CaseId)) is null)
            {
                throw new KeyNotFoundException($"No case '{entry.CaseId}'.");
            }

            // seq keeps the order of additions made within the same instant.
            var inserted = await ExecuteAsync(c, tx,
                """
                INSERT OR IGNORE INTO case_listings(case_id, listing_id, added_by, added_at, seq)
                VALUES ($case, $listing, $by, $at, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_listings WHERE case_id = $case));
                """, ct,
                ("$case", entry.CaseId), ("$listing", entry.ListingId), ("$by", entry.AddedBy), ("$at", Time(entry.AddedAt))) == 1;
            if (inserted)
            {
                await InsertAuditAsync(c, tx, new AuditEntry(entry.AddedBy, CaseAudit.ListingAdded, entry.ListingId, $"case {entry.CaseId}", entry.AddedAt), ct);
            }

            return inserted;
        }, ct);
    }

    public async Task<IReadOnlyList<CaseListing>> GetCaseListingsAsync(string caseId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            "SELECT case_id, listing_id, added_by, added_at FROM case_listings WHERE case_id = $id ORDER BY seq;",
            r => new CaseListing(r.GetString(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3))), ct, ("$id", caseId));
    }

    private static InvestigationCase ReadCase(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3)));
}
