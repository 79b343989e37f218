using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>The portal's and retraining's side of the SQLite store: listing query, labels, models, subscriptions, audit, retention.</summary>
public sealed partial class SqlitePipelineStore
{
    public const int MaxPageSize = 1000;

    public Task SetListingCountryAsync(string listingId, string? country, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE listings SET country = $country WHERE id = $id;", ct,
            ("$country", country), ("$id", listingId)), ct);

    public async Task<ListingPage> QueryListingsAsync(ListingQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, MaxPageSize);

        // A species filter drives the query from listing_species, whose (species, score, id) index is already in page order.
        var bySpecies = query.SpeciesGroup is not null;
        var score = bySpecies ? "s.score" : "l.score";
        var id = bySpecies ? "s.listing_id" : "l.id";
        var where = new List<string> { $"{score} IS NOT NULL" };
        var args = new List<(string, object?)>();
        void Filter(string clause, string name, object? value)
        {
            where.Add(clause);
            args.Add((name, value));
        }

        if (bySpecies)
        {
            Filter("s.species_group = $species", "$species", query.SpeciesGroup);
        }

        if (query.MinScore is { } min)
        {
            Filter($"{score} >= $min", "$min", min);
        }

        if (query.MaxScore is { } max)
        {
            Filter($"{score} <= $max", "$max", max);
        }

        if (query.Platform is not null)
        {
            Filter("l.platform = $platform", "$platform", query.Platform);
        }

        if (query.Country is not null)
        {
            Filter("l.country = $country", "$country", query.Country);
        }

        if (query.Seller is not null)
        {
            Filter("l.seller = $seller", "$seller", query.Seller);
        }

        if (query.From is { } from)
        {
            Filter("l.extracted_at >= $from", "$from", Time(from));
        }

        if (query.Until is { } until)
        {
            Filter("l.extracted_at < $until", "$until", Time(until));
        }

        if (query.Removed is { } removed)
        {
            // Removal is known per normalized page URL (watched listings), reached through the listing's capture.
            where.Add((removed ? "" : "NOT ") +
                "EXISTS (SELECT 1 FROM captures cap JOIN watched_listings w ON w.normalized_url = cap.normalized_url " +
                "WHERE cap.id = l.capture_id AND w.removed_at IS NOT NULL)");
        }

        if (query.Cursor is not null)
        {
            // Keyset: strictly after the last row in (score desc, id asc); the first term keeps it an index range.
            var (lastScore, lastId) = ListingCursor.Decode(query.Cursor);
            where.Add($"{score} <= $cscore AND ({score} < $cscore OR {id} > $cid)");
            args.Add(("$cscore", lastScore));
            args.Add(("$cid", lastId));
        }

        var sql = new StringBuilder("SELECT ").Append(ListingColumns).Append(", l.score, l.score_model, l.score_at FROM ")
            .Append(bySpecies ? "listing_species s JOIN listings l ON l.id = s.listing_id" : "listings l")
            .Append(" WHERE ").AppendJoin(" AND ", where)
            .Append(CultureInfo.InvariantCulture, $" ORDER BY {score} DESC, {id} LIMIT $limit;")
            .ToString();
        args.Add(("$limit", query.PageSize + 1));

        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, sql,
            r =>
            {
                var listing = ReadListing(r);
                return new ScoredListing(listing, new Score(listing.Id, listing.CrawlId, r.GetString(14), r.GetDouble(13), ParseTime(r.GetString(15))));
            }, ct, [.. args]);
        if (rows.Count <= query.PageSize)
        {
            return new ListingPage(rows, null);
        }

        var page = rows.Take(query.PageSize).ToList();
        var last = page[^1];
        return new ListingPage(page, ListingCursor.Encode(last.Score!.Value, last.Listing.Id));
    }

    public async Task<IReadOnlyList<Score>> GetScoreHistoryAsync(string listingId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            $"SELECT {ScoreColumns} FROM scores WHERE listing_id = $id ORDER BY scored_at, model_version;", ReadScore, ct, ("$id", listingId));
    }

    public Task<bool> AddShadowScoreAsync(Score score, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            """
            INSERT OR IGNORE INTO shadow_scores(listing_id, model_version, crawl_id, value, scored_at, product_type, reasons_json)
            VALUES ($listing, $model, $crawl, $value, $at, $product, $reasons);
            """, ct,
            ("$listing", score.ListingId), ("$model", score.ModelVersion), ("$crawl", score.CrawlId), ("$value", score.Value),
            ("$at", Time(score.ScoredAt)), ("$product", score.ProductType), ("$reasons", score.ReasonsJson)) == 1, ct);

    public async Task<IReadOnlyList<Score>> GetShadowScoresAsync(string modelVersion, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            $"SELECT {ScoreColumns} FROM shadow_scores WHERE model_version = $model ORDER BY scored_at, listing_id;", ReadScore, ct, ("$model", modelVersion));
    }

    private const string ScoreColumns = "listing_id, crawl_id, model_version, value, scored_at, product_type, reasons_json";

    private static Score ReadScore(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), ParseTime(r.GetString(4)))
    {
        ProductType = r.IsDBNull(5) ? null : r.GetString(5),
        ReasonsJson = r.IsDBNull(6) ? null : r.GetString(6),
    };

    public Task<bool> AddLabelAsync(Label label, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            var at = Time(label.LabeledAt);
            var inserted = await ExecuteAsync(c, tx,
                "INSERT OR IGNORE INTO labels(listing_id, labeled_by, labeled_at, is_wildlife, product_type) VALUES ($listing, $by, $at, $wild, $type);", ct,
                ("$listing", label.ListingId), ("$by", label.LabeledBy), ("$at", at), ("$wild", label.IsWildlife ? 1 : 0), ("$type", label.ProductType)) == 1;
            if (inserted)
            {
                // Labeling is audited by the store itself, in the same transaction, so no caller can forget it.
                await InsertAuditAsync(c, tx, AuditOfLabel(label), ct);
            }

            return inserted;
        }, ct);

    public async Task<IReadOnlyList<Label>> GetLabelsAsync(string? listingId = null, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            "SELECT listing_id, is_wildlife, product_type, labeled_by, labeled_at FROM labels WHERE $listing IS NULL OR listing_id = $listing ORDER BY labeled_at, listing_id, labeled_by;",
            r => new Label(r.GetString(0), r.GetInt32(1) == 1, r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), ParseTime(r.GetString(4))),
            ct, ("$listing", listingId));
    }

    public Task<bool> RegisterModelAsync(ModelEntry model, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            "INSERT OR IGNORE INTO models(version, metrics_json, training_data_sha256, created_at) VALUES ($v, $metrics, $sha, $at);", ct,
            ("$v", model.Version), ("$metrics", model.MetricsJson), ("$sha", model.TrainingDataSha256), ("$at", Time(model.CreatedAt))) == 1, ct);

    public async Task<ModelEntry?> GetModelAsync(string version, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, "SELECT version, metrics_json, training_data_sha256, created_at FROM models WHERE version = $v;", ReadModel, ct, ("$v", version));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ModelEntry>> GetModelsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, "SELECT version, metrics_json, training_data_sha256, created_at FROM models ORDER BY created_at DESC, version DESC;", ReadModel, ct);
    }

    public Task SaveSubscriptionAsync(Subscription subscription, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            """
            INSERT INTO subscriptions(name, filter_json, updated_at) VALUES ($name, $filter, $at)
            ON CONFLICT(name) DO UPDATE SET filter_json = excluded.filter_json, updated_at = excluded.updated_at;
            """, ct,
            ("$name", subscription.Name), ("$filter", subscription.FilterJson), ("$at", Time(subscription.UpdatedAt))), ct);

    public async Task<IReadOnlyList<Subscription>> GetSubscriptionsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, "SELECT name, filter_json, updated_at FROM subscriptions ORDER BY name;",
            r => new Subscription(r.GetString(0), r.GetString(1), ParseTime(r.GetString(2))), ct);
    }

    public Task<bool> DeleteSubscriptionAsync(string name, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM subscriptions WHERE name = $name;", ct, ("$name", name)) == 1, ct);

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await InsertAuditAsync(c, tx, entry, ct), ct);

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? subject = null, string? actor = null, int limit = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c,
            """
            SELECT actor, action, subject, details, at FROM audit_log
            WHERE ($subject IS NULL OR subject = $subject) AND ($actor IS NULL OR actor = $actor)
            ORDER BY at, seq LIMIT $limit;
            """,
            r => new AuditEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), ParseTime(r.GetString(4))),
            ct, ("$subject", subject), ("$actor", actor), ("$limit", limit));
    }

    public Task<PurgeResult> PurgeRawCapturesAsync(DateTimeOffset olderThan, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            var now = Time(DateTimeOffset.UtcNow);
            // Settled without an alert: extracted, no listing of it (nor its page, by another capture) is alerted, none still waits for a score or a decision.
            var purged = await QueryAsync(c, tx,
                """
                UPDATE captures SET purged_at = $now
                WHERE purged_at IS NULL AND captured_at < $cutoff AND extracted_at IS NOT NULL
                  AND NOT EXISTS (
                    SELECT 1 FROM listings l
                    WHERE l.capture_id = captures.id
                      AND (l.score IS NULL
                           OR EXISTS (SELECT 1 FROM alerts a WHERE a.listing_id = l.id OR a.listing_key = captures.normalized_url)
                           OR EXISTS (SELECT 1 FROM scores s WHERE s.listing_id = l.id AND s.alert_decided_at IS NULL)))
                RETURNING html_sha256, text_sha256, screenshot_sha256;
                """,
                r => new[] { r.GetString(0), r.GetString(1), r.GetString(2) }, ct, ("$now", now), ("$cutoff", Time(olderThan)));

            // The row stays (captures reference it); its bytes go unless a capture that keeps its evidence still names it.
            await using var release = new Statement(c, tx,
                """
                UPDATE artifacts SET content = x'', purged_at = $now
                WHERE sha256 = $sha AND purged_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM captures WHERE html_sha256 = $sha AND purged_at IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM captures WHERE text_sha256 = $sha AND purged_at IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM captures WHERE screenshot_sha256 = $sha AND purged_at IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM captures WHERE manifest_sha256 = $sha AND purged_at IS NULL);
                """, "$now", "$sha");
            var artifacts = 0;
            foreach (var sha in purged.SelectMany(h => h).Distinct(StringComparer.Ordinal))
            {
                artifacts += await release.ExecuteAsync(ct, now, sha);
            }

            return new PurgeResult(purged.Count, artifacts);
        }, ct);

    private static AuditEntry AuditOfLabel(Label label) => new(label.LabeledBy, "label", label.ListingId,
        JsonSerializer.Serialize(new { label.IsWildlife, label.ProductType }, Json), label.LabeledAt);

    private static Task<int> InsertAuditAsync(SqliteConnection c, SqliteTransaction tx, AuditEntry e, CancellationToken ct) =>
        ExecuteAsync(c, tx, "INSERT INTO audit_log(actor, action, subject, details, at) VALUES ($actor, $action, $subject, $details, $at);", ct,
            ("$actor", e.Actor), ("$action", e.Action), ("$subject", e.Subject), ("$details", e.Details), ("$at", Time(e.At)));

    private static ModelEntry ReadModel(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3)));

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(SqliteConnection c, SqliteTransaction tx, string sql, Func<SqliteDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(c, tx, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
