using Microsoft.Data.Sqlite;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>One alert per listing identity, updated by rescores, with its history.</summary>
public sealed partial class SqlitePipelineStore
{
    private const string AlertSelect =
        "SELECT id, listing_id, crawl_id, score, threshold, model_version, severity, species_group, platform, raised_at, listing_key, updated_at, revision, scored_at FROM alerts";

    public async Task<bool> CompleteAlertDecisionAsync(string listingId, string modelVersion, Alert? alert, CancellationToken ct = default) =>
        (await DecideAlertAsync(listingId, modelVersion, alert, ct)).Outcome == AlertOutcome.Raised;

    public Task<AlertDecision> DecideAlertAsync(string listingId, string modelVersion, Alert? candidate, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            var decision = candidate is null ? new AlertDecision(AlertOutcome.None, null) : await ApplyAlertAsync(c, tx, listingId, modelVersion, candidate, ct);
            await ExecuteAsync(c, tx,
                "UPDATE scores SET alert_decided_at = COALESCE(alert_decided_at, $now) WHERE listing_id = $listing AND model_version = $model;", ct,
                ("$now", Time(DateTimeOffset.UtcNow)), ("$listing", listingId), ("$model", modelVersion));
            return decision;
        }, ct);

    public async Task<Alert?> GetAlertOfListingAsync(string listingId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c,
            AlertSelect + " WHERE listing_id = $listing OR listing_key = (" + ListingKeySql + ") ORDER BY listing_id = $listing DESC LIMIT 1;",
            ReadAlert, ct, ("$listing", listingId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<AlertChange>> GetAlertHistoryAsync(string alertId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            "SELECT alert_id, revision, listing_id, crawl_id, score, model_version, severity, at FROM alert_history WHERE alert_id = $id ORDER BY revision;",
            r => new AlertChange(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetDouble(4), r.GetString(5), (AlertSeverity)r.GetInt32(6),
                ParseTime(r.GetString(7))), ct, ("$id", alertId));
    }

    public async Task<IReadOnlyList<Alert>> GetAlertsChangedAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            AlertSelect + " WHERE coalesce(updated_at, raised_at) >= $from AND coalesce(updated_at, raised_at) < $until ORDER BY coalesce(updated_at, raised_at), id;",
            ReadAlert, ct, ("$from", Time(from)), ("$until", Time(until)));
    }

    public async Task<IReadOnlyList<Alert>> GetAlertsOfPlatformAsync(string platform, DateTimeOffset? raisedSince = null, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, AlertSelect + " WHERE platform = $platform AND raised_at >= $since ORDER BY raised_at, id;", ReadAlert, ct,
            ("$platform", platform), ("$since", Time(raisedSince ?? DateTimeOffset.MinValue)));
    }

    // The listing's identity: the normalized URL of its capture, else its own URL.
    private const string ListingKeySql =
        "SELECT COALESCE(k.normalized_url, l.url) FROM listings l LEFT JOIN captures k ON k.id = l.capture_id WHERE l.id = $listing";

    private static async Task<AlertDecision> ApplyAlertAsync(SqliteConnection c, SqliteTransaction tx, string listingId, string modelVersion, Alert candidate, CancellationToken ct)
    {
        var key = await ScalarAsync(c, tx, ListingKeySql + ";", ct, ("$listing", listingId)) as string ?? candidate.ListingKey ?? listingId;
        var scoredText = await ScalarAsync(c, tx, "SELECT scored_at FROM scores WHERE listing_id = $listing AND model_version = $model;", ct,
            ("$listing", listingId), ("$model", modelVersion)) as string;
        DateTimeOffset? scoredAt = scoredText is null ? null : ParseTime(scoredText);
        // The listing's own alert first (a database from before keys may hold a second alert of the page), else the page's.
        var existing = await QueryAsync(c, tx, AlertSelect + " WHERE listing_key = $key OR listing_id = $listing ORDER BY listing_id = $listing DESC LIMIT 1;",
            ReadAlert, ct, ("$key", key), ("$listing", listingId));
        if (existing.Count == 0)
        {
            var raised = candidate with { ListingKey = key, UpdatedAt = null, Revision = 0, ScoredAt = scoredAt };
            await ExecuteAsync(c, tx,
                """
                INSERT INTO alerts(id, listing_id, crawl_id, score, threshold, model_version, severity, species_group, platform, raised_at, listing_key, revision, scored_at)
                VALUES ($id, $listing, $crawl, $score, $threshold, $model, $severity, $species, $platform, $at, $key, 0, $scored);
                """, ct,
                ("$id", raised.Id), ("$listing", raised.ListingId), ("$crawl", raised.CrawlId), ("$score", raised.Score), ("$threshold", raised.Threshold),
                ("$model", raised.ModelVersion), ("$severity", (int)raised.Severity), ("$species", raised.SpeciesGroup), ("$platform", raised.Platform),
                ("$at", Time(raised.RaisedAt)), ("$key", key), ("$scored", scoredText));
            await InsertHistoryAsync(c, tx, raised, raised.RaisedAt, ct);
            return new AlertDecision(AlertOutcome.Raised, raised);
        }

        var current = existing[0];
        if (!AlertRules.Supersedes(current, candidate, scoredAt))
        {
            return new AlertDecision(AlertOutcome.Unchanged, current);
        }

        var updated = AlertRules.Apply(current, candidate, scoredAt);
        await ExecuteAsync(c, tx,
            """
            UPDATE alerts SET score = $score, threshold = $threshold, model_version = $model, severity = $severity, updated_at = $at,
                revision = $revision, scored_at = $scored
            WHERE id = $id;
            """, ct,
            ("$id", updated.Id), ("$score", updated.Score), ("$threshold", updated.Threshold), ("$model", updated.ModelVersion),
            ("$severity", (int)updated.Severity), ("$at", Time(updated.UpdatedAt!.Value)), ("$revision", updated.Revision),
            ("$scored", updated.ScoredAt is { } s ? Time(s) : null));
        await InsertHistoryAsync(c, tx, updated with { ListingId = listingId, CrawlId = candidate.CrawlId }, updated.UpdatedAt.Value, ct);
        return new AlertDecision(AlertOutcome.Updated, updated, current);
    }

    private static Task<int> InsertHistoryAsync(SqliteConnection c, SqliteTransaction tx, Alert alert, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync(c, tx,
            """
            INSERT OR IGNORE INTO alert_history(alert_id, revision, listing_id, crawl_id, score, model_version, severity, at)
            VALUES ($id, $revision, $listing, $crawl, $score, $model, $severity, $at);
            """, ct,
            ("$id", alert.Id), ("$revision", alert.Revision), ("$listing", alert.ListingId), ("$crawl", alert.CrawlId), ("$score", alert.Score),
            ("$model", alert.ModelVersion), ("$severity", (int)alert.Severity), ("$at", Time(at)));

    private static Alert ReadAlert(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4), r.GetString(5), (AlertSeverity)r.GetInt32(6),
        r.GetString(7), r.GetString(8), ParseTime(r.GetString(9)))
    {
        ListingKey = r.IsDBNull(10) ? null : r.GetString(10),
        UpdatedAt = r.IsDBNull(11) ? null : ParseTime(r.GetString(11)),
        Revision = r.GetInt32(12),
        ScoredAt = r.IsDBNull(13) ? null : ParseTime(r.GetString(13)),
    };
}
