using MongoDB.Bson;
using MongoDB.Driver;
using static WildlifeWatch.Store.MongoDb.MongoBson;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>One alert per listing identity, updated by rescores, with its history.</summary>
public sealed partial class MongoPipelineStore
{
    private const int AlertUpdateAttempts = 5;

    private IMongoCollection<BsonDocument> AlertHistory => Collection(MongoSchema.AlertHistory);

    public async Task<bool> CompleteAlertDecisionAsync(string listingId, string modelVersion, Alert? alert, CancellationToken ct = default) =>
        (await DecideAlertAsync(listingId, modelVersion, alert, ct)).Outcome == AlertOutcome.Raised;

    public async Task<AlertDecision> DecideAlertAsync(string listingId, string modelVersion, Alert? candidate, CancellationToken ct = default)
    {
        // The alert is written before the score is marked decided, so a crash in between leaves a decision the redelivery repeats.
        var decision = candidate is null ? new AlertDecision(AlertOutcome.None, null) : await ApplyAlertAsync(listingId, modelVersion, candidate, ct);
        await Scores.UpdateOneAsync(
            F.And(F.Eq("listing_id", listingId), F.Eq("model_version", modelVersion), F.Eq("alert_decided_at", BsonNull.Value)),
            U.Set("alert_decided_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);
        return decision;
    }

    public async Task<Alert?> GetAlertOfListingAsync(string listingId, CancellationToken ct = default)
    {
        var own = await Alerts.Find(F.Eq("listing_id", listingId)).FirstOrDefaultAsync(ct);
        if (own is not null)
        {
            return ToAlert(own);
        }

        var key = await ListingKeyAsync(listingId, ct);
        var shared = key is null ? null : await Alerts.Find(F.Eq("listing_key", key)).FirstOrDefaultAsync(ct);
        return shared is null ? null : ToAlert(shared);
    }

    public async Task<IReadOnlyList<AlertChange>> GetAlertHistoryAsync(string alertId, CancellationToken ct = default) =>
        (await AlertHistory.Find(F.Eq("alert_id", alertId)).Sort(S.Ascending("revision")).ToListAsync(ct)).Select(ToAlertChange).ToList();

    public async Task<IReadOnlyList<Alert>> GetAlertsChangedAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct = default) =>
        (await Alerts.Find(F.And(F.Gte("changed_at", Time(from)), F.Lt("changed_at", Time(until)))).Sort(S.Ascending("changed_at").Ascending("_id")).ToListAsync(ct))
            .Select(ToAlert).ToList();

    public async Task<IReadOnlyList<Alert>> GetAlertsOfPlatformAsync(string platform, DateTimeOffset? raisedSince = null, CancellationToken ct = default) =>
        (await Alerts.Find(F.And(F.Eq("platform", platform), F.Gte("raised_at", Time(raisedSince ?? DateTimeOffset.MinValue))))
            .Sort(S.Ascending("raised_at").Ascending("_id")).ToListAsync(ct)).Select(ToAlert).ToList();

    private async Task<AlertDecision> ApplyAlertAsync(string listingId, string modelVersion, Alert candidate, CancellationToken ct)
    {
        var key = await ListingKeyAsync(listingId, ct) ?? candidate.ListingKey ?? listingId;
        var score = await Scores.Find(F.And(F.Eq("listing_id", listingId), F.Eq("model_version", modelVersion))).FirstOrDefaultAsync(ct);
        var scoredAt = score is null ? (DateTimeOffset?)null : ParseTime(score["scored_at"]);
        for (var attempt = 0; attempt < AlertUpdateAttempts; attempt++)
        {
            // The listing's own alert first (a database from before keys may hold a second alert of the page), else the page's.
            var existing = await Alerts.Find(F.Eq("listing_id", listingId)).FirstOrDefaultAsync(ct)
                ?? await Alerts.Find(F.Eq("listing_key", key)).FirstOrDefaultAsync(ct);
            if (existing is null)
            {
                var raised = candidate with { ListingKey = key, UpdatedAt = null, Revision = 0, ScoredAt = scoredAt };
                // Unique indexes on listing_key and listing_id: a racing raise makes ours fail, and we read theirs next round.
                if (await InsertIfAbsentAsync(Alerts, new BsonDocument("_id", raised.Id), MongoBson.Alert(raised), ct))
                {
                    await AddHistoryAsync(raised, raised.RaisedAt, ct);
                    return new AlertDecision(AlertOutcome.Raised, raised);
                }

                continue;
            }

            var current = ToAlert(existing);
            if (!AlertRules.Supersedes(current, candidate, scoredAt))
            {
                return new AlertDecision(AlertOutcome.Unchanged, current);
            }

            var updated = AlertRules.Apply(current, candidate, scoredAt);
            // Optimistic: the update applies only to the revision we read; a concurrent update sends us round again.
            var result = await Alerts.UpdateOneAsync(F.And(F.Eq("_id", current.Id), F.Eq("revision", current.Revision)),
                U.Set("score", updated.Score).Set("threshold", updated.Threshold).Set("model_version", updated.ModelVersion)
                    .Set("severity", (int)updated.Severity).Set("updated_at", Time(updated.UpdatedAt!.Value)).Set("changed_at", Time(updated.UpdatedAt.Value))
                    .Set("revision", updated.Revision).Set("scored_at", updated.ScoredAt is { } s ? new BsonString(Time(s)) : (BsonValue)BsonNull.Value),
                cancellationToken: ct);
            if (result.ModifiedCount == 1)
            {
                await AddHistoryAsync(updated with { ListingId = listingId, CrawlId = candidate.CrawlId }, updated.UpdatedAt.Value, ct);
                return new AlertDecision(AlertOutcome.Updated, updated, current);
            }
        }

        throw new InvalidOperationException($"The alert of listing {listingId} kept changing under {AlertUpdateAttempts} attempts to decide it.");
    }

    private async Task AddHistoryAsync(Alert alert, DateTimeOffset at, CancellationToken ct)
    {
        var change = new AlertChange(alert.Id, alert.Revision, alert.ListingId, alert.CrawlId, alert.Score, alert.ModelVersion, alert.Severity, at);
        var document = MongoBson.AlertChange(change);
        await InsertIfAbsentAsync(AlertHistory, new BsonDocument("_id", document["_id"]), document, ct);
    }

    /// <summary>The listing's identity: the normalized URL of its capture, else its own URL.</summary>
    private async Task<string?> ListingKeyAsync(string listingId, CancellationToken ct)
    {
        var listing = await Listings.Find(F.Eq("_id", listingId)).FirstOrDefaultAsync(ct);
        if (listing is null)
        {
            return null;
        }

        var capture = await Captures.Find(F.Eq("_id", listing["capture_id"])).FirstOrDefaultAsync(ct);
        return capture?["normalized_url"].AsString ?? listing["url"].AsString;
    }
}
