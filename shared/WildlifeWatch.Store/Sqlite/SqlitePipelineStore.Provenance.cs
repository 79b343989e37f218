using System.Text.Json;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>Specimen provenance declarations, kept as submitted, with a listing index.</summary>
public sealed partial class SqlitePipelineStore
{
    public Task<bool> AddProvenanceDeclarationAsync(ProvenanceDeclaration declaration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        return WriteAsync(async (c, tx) =>
        {
            var added = await ExecuteAsync(c, tx,
                "INSERT OR IGNORE INTO provenance_declarations(id, declaration_json, submitted_at) VALUES ($id, $json, $at);", ct,
                ("$id", declaration.Id), ("$json", JsonSerializer.Serialize(declaration, Json)), ("$at", Time(declaration.SubmittedAt)));
            if (added == 0)
            {
                return false;
            }

            foreach (var listing in declaration.ListingIds.Distinct(StringComparer.Ordinal))
            {
                await ExecuteAsync(c, tx, "INSERT OR IGNORE INTO provenance_listings(listing_id, declaration_id) VALUES ($listing, $id);", ct,
                    ("$listing", listing), ("$id", declaration.Id));
            }

            return true;
        }, ct);
    }

    public async Task<ProvenanceDeclaration?> GetProvenanceDeclarationAsync(string id, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, "SELECT declaration_json FROM provenance_declarations WHERE id = $id;", ReadDeclaration, ct, ("$id", id));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ProvenanceDeclaration>> GetProvenanceDeclarationsAsync(string? listingId = null, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return listingId is null
            ? await QueryAsync(c, "SELECT declaration_json FROM provenance_declarations ORDER BY submitted_at, id;", ReadDeclaration, ct)
            : await QueryAsync(c,
                """
                SELECT d.declaration_json FROM provenance_listings p JOIN provenance_declarations d ON d.id = p.declaration_id
                WHERE p.listing_id = $listing ORDER BY d.submitted_at, d.id;
                """, ReadDeclaration, ct, ("$listing", listingId));
    }

    private static ProvenanceDeclaration ReadDeclaration(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        JsonSerializer.Deserialize<ProvenanceDeclaration>(r.GetString(0), Json)
            ?? throw new InvalidDataException("A stored provenance declaration is empty.");
}
