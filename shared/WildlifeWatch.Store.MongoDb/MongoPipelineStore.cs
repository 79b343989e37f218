using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using static WildlifeWatch.Store.MongoDb.MongoBson;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>
/// The cluster store. It needs no transactions (a standalone server has none): every write is one atomic
/// single-document operation guarded by a unique index, so a redelivered or concurrently duplicated message
/// finds its key taken and changes nothing. Multi-step writes are ordered so that a crash between steps
/// leaves a state the redelivery completes.
/// </summary>
public sealed partial class MongoPipelineStore : IPipelineStore, IDisposable
{
    private static readonly FilterDefinitionBuilder<BsonDocument> F = Builders<BsonDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<BsonDocument> U = Builders<BsonDocument>.Update;
    private static readonly SortDefinitionBuilder<BsonDocument> S = Builders<BsonDocument>.Sort;

    private readonly MongoClient? _ownedClient;
    private readonly GridFSBucket _bucket;

    public MongoPipelineStore(string connectionString, string databaseName)
        : this(new MongoClient(connectionString), databaseName, ownsClient: true)
    {
    }

    public MongoPipelineStore(MongoClient client, string databaseName, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        _ownedClient = ownsClient ? client : null;
        Database = client.GetDatabase(databaseName);
        _bucket = new GridFSBucket(Database, new GridFSBucketOptions { BucketName = MongoSchema.EvidenceBucket });
    }

    public IMongoDatabase Database { get; }

    /// <summary>
    /// Retention deletes an artifact only if nobody stored it again within this span before the purge started: a fetcher
    /// may have stored the bytes for a capture it has not written yet (there is no transaction to tie the two together).
    /// </summary>
    public TimeSpan ArtifactPurgeGrace { get; init; } = TimeSpan.FromHours(1);

    private IMongoCollection<BsonDocument> Crawls => Collection(MongoSchema.Crawls);
    private IMongoCollection<BsonDocument> Frontier => Collection(MongoSchema.Frontier);
    private IMongoCollection<BsonDocument> Captures => Collection(MongoSchema.Captures);
    private IMongoCollection<BsonDocument> Listings => Collection(MongoSchema.Listings);
    private IMongoCollection<BsonDocument> Scores => Collection(MongoSchema.Scores);
    private IMongoCollection<BsonDocument> ShadowScores => Collection(MongoSchema.ShadowScores);
    private IMongoCollection<BsonDocument> Alerts => Collection(MongoSchema.Alerts);
    private IMongoCollection<BsonDocument> Labels => Collection(MongoSchema.Labels);
    private IMongoCollection<BsonDocument> Models => Collection(MongoSchema.Models);
    private IMongoCollection<BsonDocument> Subscriptions => Collection(MongoSchema.Subscriptions);
    private IMongoCollection<BsonDocument> Audit => Collection(MongoSchema.AuditLog);
    private IMongoCollection<BsonDocument> Artifacts => Collection(MongoSchema.Artifacts);
    private IMongoCollection<BsonDocument> SchemaVersions => Collection(MongoSchema.SchemaVersions);
    private IMongoCollection<BsonDocument> HostSlots => Collection(MongoSchema.HostSlots);
    private IMongoCollection<BsonDocument> WatchedListings => Collection(MongoSchema.WatchedListings);

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var applied = (await SchemaVersions.Find(F.Empty).ToListAsync(ct)).Select(d => d["_id"].ToInt32()).ToHashSet();
        var known = MongoSchema.Migrations.Max(m => m.Version);
        if (applied.Count > 0 && applied.Max() > known)
        {
            throw new InvalidOperationException($"Database '{Database.DatabaseNamespace.DatabaseName}' is at schema version {applied.Max()}; this build knows up to {known}.");
        }

        foreach (var (version, description, apply) in MongoSchema.Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await apply(Database, ct);
            await InsertIfAbsentAsync(SchemaVersions, new BsonDocument("_id", version),
                new BsonDocument { { "description", description }, { "applied_at", Time(DateTimeOffset.UtcNow) } }, ct);
        }

        // Indexes are (re)declared at every start so that a dropped index comes back; creating an existing one is a no-op.
        await MongoSchema.EnsureIndexesAsync(Database, ct);
    }

    public Task CreateCrawlAsync(Crawl crawl, CancellationToken ct = default) =>
        InsertIfAbsentAsync(Crawls, new BsonDocument("_id", crawl.Id), MongoBson.Crawl(crawl), ct);

    public async Task<Crawl?> GetCrawlAsync(string crawlId, CancellationToken ct = default) =>
        await Crawls.Find(F.Eq("_id", crawlId)).FirstOrDefaultAsync(ct) is { } d ? ToCrawl(d) : null;

    public async Task<IReadOnlyList<Crawl>> GetCrawlsAsync(CancellationToken ct = default) =>
        (await Crawls.Find(F.Empty).Sort(S.Descending("started_at").Ascending("_id")).ToListAsync(ct)).Select(ToCrawl).ToList();

    public async Task<IReadOnlyList<FrontierEntry>> AdmitAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct = default)
    {
        var admitted = new List<FrontierEntry>();
        foreach (var e in entries)
        {
            var key = new BsonDocument { { "crawl_id", e.CrawlId }, { "normalized_url", e.NormalizedUrl } };
            if (await InsertIfAbsentAsync(Frontier, key, MongoBson.Frontier(e), ct))
            {
                admitted.Add(e with { State = FrontierState.Queued });
            }
        }

        return admitted;
    }

    public async Task<IReadOnlyList<FrontierEntry>> ExpandAsync(string crawlId, string sourceNormalizedUrl, IReadOnlyList<FrontierEntry> links, CancellationToken ct = default)
    {
        // Links first: if the process dies before the source is closed, the redelivery admits nothing twice and closes it.
        var admitted = await AdmitAsync(links, ct);
        await Frontier.UpdateOneAsync(
            F.And(F.Eq("crawl_id", crawlId), F.Eq("normalized_url", sourceNormalizedUrl), F.Eq("state", (int)FrontierState.Queued)),
            U.Set("state", (int)FrontierState.Done).Set("updated_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);
        return admitted;
    }

    public Task MarkFailedAsync(string crawlId, string normalizedUrl, string reason, CancellationToken ct = default) =>
        Frontier.UpdateOneAsync(
            F.And(F.Eq("crawl_id", crawlId), F.Eq("normalized_url", normalizedUrl), F.Eq("state", (int)FrontierState.Queued)),
            U.Set("state", (int)FrontierState.Failed).Set("error", reason).Set("updated_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);

    public async Task<IReadOnlyList<FrontierEntry>> GetFrontierAsync(string crawlId, CancellationToken ct = default) =>
        (await Frontier.Find(F.Eq("crawl_id", crawlId)).Sort(S.Ascending("enqueued_at").Ascending("normalized_url")).ToListAsync(ct))
            .Select(ToFrontier).ToList();

    public async Task<IReadOnlyList<FrontierEntry>> ReleaseAsync(string crawlId, int maxInFlight, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        var queued = F.And(F.Eq("crawl_id", crawlId), F.Eq("state", (int)FrontierState.Queued));
        var inFlight = F.And(queued, F.Ne("released_at", BsonNull.Value));
        var released = new List<FrontierEntry>();
        var waiting = F.And(queued, F.Eq("released_at", BsonNull.Value));
        var order = S.Descending("priority").Ascending("enqueued_at").Ascending("normalized_url");
        // One entry per atomic find-and-modify, so a racing replica never releases the same entry twice; counting again
        // before each keeps racing replicas' overshoot to about one entry each.
        while (await Frontier.CountDocumentsAsync(inFlight, cancellationToken: ct) < maxInFlight)
        {
            var entry = await Frontier.FindOneAndUpdateAsync(waiting, U.Set("released_at", Time(now)),
                new FindOneAndUpdateOptions<BsonDocument> { Sort = order, ReturnDocument = ReturnDocument.After }, ct);
            if (entry is null)
            {
                break;
            }

            released.Add(ToFrontier(entry));
        }

        return released;
    }

    public async Task<string?> FindEarlierSameContentAsync(string crawlId, string normalizedUrl, CancellationToken ct = default)
    {
        var mine = await Captures.Find(F.And(F.Eq("crawl_id", crawlId), F.Eq("normalized_url", normalizedUrl)))
            .Sort(S.Descending("captured_at").Descending("_id")).FirstOrDefaultAsync(ct);
        if (mine is null)
        {
            return null;
        }

        var at = mine["captured_at"].AsString;
        var earlier = F.Or(F.Lt("captured_at", at), F.And(F.Eq("captured_at", at), F.Lt("_id", mine["_id"].AsString)));
        var other = await Captures.Find(F.And(F.Eq("text_sha256", mine["text_sha256"].AsString), F.Eq("crawl_id", crawlId),
                F.Ne("normalized_url", normalizedUrl), earlier))
            .Sort(S.Ascending("captured_at").Ascending("_id")).FirstOrDefaultAsync(ct);
        return other?["normalized_url"].AsString;
    }

    public async Task<Capture?> GetLatestCaptureAsync(string crawlId, string normalizedUrl, CancellationToken ct = default) =>
        await Captures.Find(F.And(F.Eq("crawl_id", crawlId), F.Eq("normalized_url", normalizedUrl)))
            .Sort(S.Descending("captured_at").Descending("_id")).FirstOrDefaultAsync(ct) is { } d ? ToCapture(d) : null;

    public async Task RecordListingSeenAsync(string normalizedUrl, string seedId, string crawlId, DateTimeOffset at, CancellationToken ct = default)
    {
        var seen = Time(at);
        var update = U.SetOnInsert("platform", ListingFacts.Platform(normalizedUrl)).SetOnInsert("seed_id", seedId).SetOnInsert("first_crawl_id", crawlId)
            .SetOnInsert("removed_at", BsonNull.Value).SetOnInsert("removal_reason", BsonNull.Value)
            .Min("first_seen_at", seen).Max("last_seen_at", seen);
        try
        {
            await WatchedListings.UpdateOneAsync(F.Eq("_id", normalizedUrl), update, new UpdateOptions { IsUpsert = true }, ct);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // A racing first sighting inserted it: ours is now an ordinary update.
            await WatchedListings.UpdateOneAsync(F.Eq("_id", normalizedUrl), U.Min("first_seen_at", seen).Max("last_seen_at", seen), cancellationToken: ct);
        }

        // Seen online after its removal time: reinstated.
        await WatchedListings.UpdateOneAsync(F.And(F.Eq("_id", normalizedUrl), F.Ne("removed_at", BsonNull.Value), F.Lt("removed_at", seen)),
            U.Set("removed_at", BsonNull.Value).Set("removal_reason", BsonNull.Value), cancellationToken: ct);
    }

    public async Task<bool> MarkListingRemovedAsync(string normalizedUrl, DateTimeOffset at, string reason, CancellationToken ct = default) =>
        (await WatchedListings.UpdateOneAsync(F.And(F.Eq("_id", normalizedUrl), F.Eq("removed_at", BsonNull.Value)),
            U.Set("removed_at", Time(at)).Set("removal_reason", reason), cancellationToken: ct)).ModifiedCount == 1;

    public async Task<IReadOnlyList<WatchedListing>> GetWatchedListingsAsync(string? platform = null, bool removedOnly = false, CancellationToken ct = default)
    {
        var filter = platform is null ? F.Empty : F.Eq("platform", platform);
        if (removedOnly)
        {
            filter &= F.Ne("removed_at", BsonNull.Value);
        }

        var result = new List<WatchedListing>();
        foreach (var d in await WatchedListings.Find(filter).Sort(S.Ascending("platform").Ascending("first_seen_at").Ascending("_id")).ToListAsync(ct))
        {
            var url = d["_id"].AsString;
            var captureIds = (await Captures.Find(F.Eq("normalized_url", url)).Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(ct))
                .Select(c => c["_id"]).ToList();
            var listingIds = captureIds.Count == 0 ? new List<BsonValue>() : (await Listings.Find(F.In("capture_id", captureIds)).Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(ct))
                .Select(l => l["_id"]).ToList();
            var alert = listingIds.Count == 0 ? null : await Alerts.Find(F.In("listing_id", listingIds)).Sort(S.Ascending("raised_at")).FirstOrDefaultAsync(ct);
            result.Add(new WatchedListing(url, d["platform"].AsString, d["seed_id"].AsString, d["first_crawl_id"].AsString, ParseTime(d["first_seen_at"]),
                ParseTime(d["last_seen_at"]), ParseOptionalTime(d, "removed_at"), OptionalString(d, "removal_reason"))
            {
                AlertedAt = alert is null ? null : ParseTime(alert["raised_at"]),
            });
        }

        return result;
    }

    public async Task<string> PutArtifactAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct = default)
    {
        var sha = Hashing.Sha256Hex(content.Span);
        var now = Time(DateTimeOffset.UtcNow);
        // Touching last_put_at tells a concurrent purge that the artifact is wanted again (it deletes only untouched ones).
        var touched = await Artifacts.UpdateOneAsync(F.Eq("_id", sha), U.Set("last_put_at", now), cancellationToken: ct);
        if (touched.MatchedCount == 1)
        {
            return sha;
        }

        // The registry document is written only after the GridFS file is complete, so a reader never sees half a file.
        // Two concurrent writers both upload; the unique _id lets one registry entry win and the loser deletes its own file.
        var fileId = await _bucket.UploadFromBytesAsync(sha, content.ToArray(),
            new GridFSUploadOptions { Metadata = new BsonDocument { { "sha256", sha }, { "media_type", mediaType } } }, ct);
        var registered = await InsertIfAbsentAsync(Artifacts, new BsonDocument("_id", sha), new BsonDocument
        {
            { "file_id", fileId }, { "media_type", mediaType }, { "size", content.Length }, { "stored_at", now }, { "last_put_at", now },
        }, ct);
        if (!registered)
        {
            await _bucket.DeleteAsync(fileId, ct);
        }

        return sha;
    }

    public async Task<byte[]?> GetArtifactAsync(string sha256, CancellationToken ct = default)
    {
        if (await Artifacts.Find(F.Eq("_id", sha256)).FirstOrDefaultAsync(ct) is not { } entry)
        {
            return null;
        }

        try
        {
            return await _bucket.DownloadAsBytesAsync(entry["file_id"].AsObjectId, cancellationToken: ct);
        }
        catch (GridFSFileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The GridFS file that holds an artifact's bytes (for operators and the integrity tests).</summary>
    public async Task<ObjectId?> GetArtifactFileIdAsync(string sha256, CancellationToken ct = default) =>
        await Artifacts.Find(F.Eq("_id", sha256)).FirstOrDefaultAsync(ct) is { } entry ? entry["file_id"].AsObjectId : null;

    public Task<bool> AddCaptureAsync(Capture capture, CancellationToken ct = default) =>
        InsertIfAbsentAsync(Captures, new BsonDocument("_id", capture.Id), MongoBson.Capture(capture), ct);

    public async Task<int> AddCapturesAsync(IReadOnlyList<Capture> captures, CancellationToken ct = default)
    {
        var added = 0;
        foreach (var capture in captures)
        {
            added += await AddCaptureAsync(capture, ct) ? 1 : 0;
        }

        return added;
    }

    public async Task<Capture?> GetCaptureAsync(string captureId, CancellationToken ct = default) =>
        await Captures.Find(F.Eq("_id", captureId)).FirstOrDefaultAsync(ct) is { } d ? ToCapture(d) : null;

    public async Task<IReadOnlyList<Capture>> GetCapturesAsync(string crawlId, CancellationToken ct = default) =>
        (await Captures.Find(F.Eq("crawl_id", crawlId)).Sort(S.Ascending("captured_at").Ascending("_id")).ToListAsync(ct)).Select(ToCapture).ToList();

    public async Task CompleteExtractionAsync(string captureId, Listing? listing, CancellationToken ct = default)
    {
        if (listing is not null)
        {
            await InsertIfAbsentAsync(Listings, new BsonDocument("_id", listing.Id), MongoBson.Listing(listing), ct);
        }

        // Last, so that the capture stays pending until its listing is stored.
        await Captures.UpdateOneAsync(F.And(F.Eq("_id", captureId), F.Eq("extracted_at", BsonNull.Value)),
            U.Set("extracted_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);
    }

    public async Task<int> AddListingsAsync(IReadOnlyList<Listing> listings, CancellationToken ct = default)
    {
        var added = 0;
        foreach (var listing in listings)
        {
            added += await InsertIfAbsentAsync(Listings, new BsonDocument("_id", listing.Id), MongoBson.Listing(listing), ct) ? 1 : 0;
            await Captures.UpdateOneAsync(F.And(F.Eq("_id", listing.CaptureId), F.Eq("extracted_at", BsonNull.Value)),
                U.Set("extracted_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);
        }

        return added;
    }

    public async Task<Listing?> GetListingAsync(string listingId, CancellationToken ct = default) =>
        await Listings.Find(F.Eq("_id", listingId)).FirstOrDefaultAsync(ct) is { } d ? ToListing(d) : null;

    public Task AddScoreAsync(Score score, CancellationToken ct = default) => AddScoresAsync([score], ct);

    public async Task<int> AddScoresAsync(IReadOnlyList<Score> scores, CancellationToken ct = default)
    {
        var added = 0;
        foreach (var s in scores)
        {
            added += await InsertIfAbsentAsync(Scores, new BsonDocument { { "listing_id", s.ListingId }, { "model_version", s.ModelVersion } }, MongoBson.Score(s), ct) ? 1 : 0;
            // Always (also for a duplicate): a crash after the insert must not leave the listing without its latest score.
            var at = Time(s.ScoredAt);
            var newer = F.Or(
                F.Eq("score_at", BsonNull.Value),
                F.Lt("score_at", at),
                F.And(F.Eq("score_at", at), F.Lt("score_model", s.ModelVersion)));
            await Listings.UpdateOneAsync(F.And(F.Eq("_id", s.ListingId), newer),
                U.Set("score", s.Value).Set("score_model", s.ModelVersion).Set("score_at", at), cancellationToken: ct);
        }

        return added;
    }

    public async Task<IReadOnlyList<ScoredListing>> GetScoredListingsAsync(string crawlId, CancellationToken ct = default) =>
        (await Listings.Find(F.Eq("crawl_id", crawlId)).Sort(S.Ascending("url")).ToListAsync(ct))
            .Select(d => new ScoredListing(ToListing(d), LatestScore(d))).ToList();

    public async Task<IReadOnlyList<Alert>> GetAlertsAsync(string crawlId, CancellationToken ct = default) =>
        (await Alerts.Find(F.Eq("crawl_id", crawlId)).Sort(S.Ascending("raised_at").Ascending("_id")).ToListAsync(ct)).Select(ToAlert).ToList();

    public async Task<CrawlProgress> GetProgressAsync(string crawlId, CancellationToken ct = default)
    {
        var crawl = F.Eq("crawl_id", crawlId);
        Task<long> Count(IMongoCollection<BsonDocument> c, FilterDefinition<BsonDocument> f) => c.CountDocumentsAsync(f, cancellationToken: ct);
        var counts = await Task.WhenAll(
            Count(Frontier, crawl & F.Eq("state", (int)FrontierState.Queued)),
            Count(Frontier, crawl & F.Eq("state", (int)FrontierState.Done)),
            Count(Frontier, crawl & F.Eq("state", (int)FrontierState.Failed)),
            Count(Captures, crawl),
            Count(Captures, crawl & F.Eq("extracted_at", BsonNull.Value)),
            Count(Listings, crawl),
            Count(Listings, crawl & F.Eq("score_at", BsonNull.Value)),
            Count(Scores, crawl & F.Eq("alert_decided_at", BsonNull.Value)),
            Count(Alerts, crawl));
        var n = counts.Select(c => (int)c).ToArray();
        return new CrawlProgress(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
    }

    public Task SetListingCountryAsync(string listingId, string? country, CancellationToken ct = default) =>
        Listings.UpdateOneAsync(F.Eq("_id", listingId), U.Set("country", Nullable(country)), cancellationToken: ct);

    public async Task<ListingPage> QueryListingsAsync(ListingQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000);

        // A numeric range on score matches only scored listings (BSON compares within a type) and bounds the index scan.
        var filters = new List<FilterDefinition<BsonDocument>>
        {
            F.Gte("score", query.MinScore ?? double.NegativeInfinity),
            F.Lte("score", query.MaxScore ?? double.PositiveInfinity),
        };
        if (query.SpeciesGroup is not null)
        {
            filters.Add(F.Eq("species_groups", query.SpeciesGroup));
        }

        if (query.Platform is not null)
        {
            filters.Add(F.Eq("platform", query.Platform));
        }

        if (query.Country is not null)
        {
            filters.Add(F.Eq("country", query.Country));
        }

        if (query.Seller is not null)
        {
            filters.Add(F.Eq("seller", query.Seller));
        }

        if (query.From is { } from)
        {
            filters.Add(F.Gte("extracted_at", Time(from)));
        }

        if (query.Until is { } until)
        {
            filters.Add(F.Lt("extracted_at", Time(until)));
        }

        if (query.Removed is { } removed)
        {
            var captures = await RemovedCaptureIdsAsync(ct);
            filters.Add(removed ? F.In("capture_id", captures) : F.Nin("capture_id", captures));
        }

        if (query.Cursor is not null)
        {
            var (lastScore, lastId) = ListingCursor.Decode(query.Cursor);
            filters.Add(F.Lte("score", lastScore));
            filters.Add(F.Or(F.Lt("score", lastScore), F.And(F.Eq("score", lastScore), F.Gt("_id", lastId))));
        }

        var rows = await Listings.Find(F.And(filters)).Sort(S.Descending("score").Ascending("_id")).Limit(query.PageSize + 1).ToListAsync(ct);
        var page = rows.Take(query.PageSize).Select(d => new ScoredListing(ToListing(d), LatestScore(d))).ToList();
        var next = rows.Count > query.PageSize ? ListingCursor.Encode(page[^1].Score!.Value, page[^1].Listing.Id) : null;
        return new ListingPage(page, next);
    }

    public Task<bool> AddShadowScoreAsync(Score score, CancellationToken ct = default) =>
        InsertIfAbsentAsync(ShadowScores, new BsonDocument { { "listing_id", score.ListingId }, { "model_version", score.ModelVersion } }, MongoBson.Score(score), ct);

    public async Task<IReadOnlyList<Score>> GetShadowScoresAsync(string modelVersion, CancellationToken ct = default) =>
        (await ShadowScores.Find(F.Eq("model_version", modelVersion)).Sort(S.Ascending("scored_at").Ascending("listing_id")).ToListAsync(ct))
            .Select(ToScore).ToList();

    public async Task<IReadOnlyList<Score>> GetScoreHistoryAsync(string listingId, CancellationToken ct = default) =>
        (await Scores.Find(F.Eq("listing_id", listingId)).Sort(S.Ascending("scored_at").Ascending("model_version")).ToListAsync(ct))
            .Select(ToScore).ToList();

    public async Task<bool> AddLabelAsync(Label label, CancellationToken ct = default)
    {
        var key = new BsonDocument { { "listing_id", label.ListingId }, { "labeled_by", label.LabeledBy }, { "labeled_at", Time(label.LabeledAt) } };
        var inserted = await InsertIfAbsentAsync(Labels, key, MongoBson.Label(label), ct);
        if (inserted)
        {
            // No transaction: a crash right here loses this audit line; the label itself still names who and when.
            await AppendAuditAsync(new AuditEntry(label.LabeledBy, "label", label.ListingId,
                JsonSerializer.Serialize(new { label.IsWildlife, label.ProductType }, new JsonSerializerOptions(JsonSerializerDefaults.Web)), label.LabeledAt), ct);
        }

        return inserted;
    }

    public async Task<IReadOnlyList<Label>> GetLabelsAsync(string? listingId = null, CancellationToken ct = default) =>
        (await Labels.Find(listingId is null ? F.Empty : F.Eq("listing_id", listingId))
            .Sort(S.Ascending("labeled_at").Ascending("listing_id").Ascending("labeled_by")).ToListAsync(ct)).Select(ToLabel).ToList();

    public Task<bool> RegisterModelAsync(ModelEntry model, CancellationToken ct = default) =>
        InsertIfAbsentAsync(Models, new BsonDocument("_id", model.Version), MongoBson.Model(model), ct);

    public async Task<ModelEntry?> GetModelAsync(string version, CancellationToken ct = default) =>
        await Models.Find(F.Eq("_id", version)).FirstOrDefaultAsync(ct) is { } d ? ToModel(d) : null;

    public async Task<IReadOnlyList<ModelEntry>> GetModelsAsync(CancellationToken ct = default) =>
        (await Models.Find(F.Empty).Sort(S.Descending("created_at").Descending("_id")).ToListAsync(ct)).Select(ToModel).ToList();

    public Task SaveSubscriptionAsync(Subscription subscription, CancellationToken ct = default) =>
        Subscriptions.ReplaceOneAsync(F.Eq("_id", subscription.Name),
            new BsonDocument { { "_id", subscription.Name }, { "filter_json", subscription.FilterJson }, { "updated_at", Time(subscription.UpdatedAt) } },
            new ReplaceOptions { IsUpsert = true }, ct);

    public async Task<IReadOnlyList<Subscription>> GetSubscriptionsAsync(CancellationToken ct = default) =>
        (await Subscriptions.Find(F.Empty).Sort(S.Ascending("_id")).ToListAsync(ct)).Select(ToSubscription).ToList();

    public async Task<bool> DeleteSubscriptionAsync(string name, CancellationToken ct = default) =>
        (await Subscriptions.DeleteOneAsync(F.Eq("_id", name), ct)).DeletedCount == 1;

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken ct = default) =>
        Audit.InsertOneAsync(MongoBson.Audit(entry), cancellationToken: ct);

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? subject = null, string? actor = null, int limit = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var filter = F.Empty;
        if (subject is not null)
        {
            filter &= F.Eq("subject", subject);
        }

        if (actor is not null)
        {
            filter &= F.Eq("actor", actor);
        }

        // ObjectIds from one client increase, so _id orders entries appended within the same instant.
        return (await Audit.Find(filter).Sort(S.Ascending("at").Ascending("_id")).Limit(limit).ToListAsync(ct)).Select(ToAudit).ToList();
    }

    public async Task<PurgeResult> PurgeRawCapturesAsync(DateTimeOffset olderThan, CancellationToken ct = default)
    {
        var cutoff = Time(olderThan);
        var untouchedSince = Time(DateTimeOffset.UtcNow - ArtifactPurgeGrace);
        var candidates = F.And(F.Eq("purged_at", BsonNull.Value), F.Lt("captured_at", cutoff), F.Ne("extracted_at", BsonNull.Value));
        var purgedHashes = new HashSet<string>(StringComparer.Ordinal);
        var captures = 0;
        using (var cursor = await Captures.Find(candidates).ToCursorAsync(ct))
        {
            while (await cursor.MoveNextAsync(ct))
            {
                foreach (var capture in cursor.Current)
                {
                    var id = capture["_id"].AsString;
                    if (!await IsSettledWithoutAlertAsync(capture, ct))
                    {
                        continue;
                    }

                    var marked = await Captures.UpdateOneAsync(F.And(F.Eq("_id", id), F.Eq("purged_at", BsonNull.Value)),
                        U.Set("purged_at", Time(DateTimeOffset.UtcNow)), cancellationToken: ct);
                    if (marked.ModifiedCount == 1)
                    {
                        captures++;
                        purgedHashes.UnionWith([capture["html_sha256"].AsString, capture["text_sha256"].AsString, capture["screenshot_sha256"].AsString]);
                    }
                }
            }
        }

        var artifacts = 0;
        foreach (var sha in purgedHashes)
        {
            var stillNeeded = F.And(F.Eq("purged_at", BsonNull.Value),
                F.Or(F.Eq("html_sha256", sha), F.Eq("text_sha256", sha), F.Eq("screenshot_sha256", sha), F.Eq("manifest_sha256", sha)));
            if (await Captures.Find(stillNeeded).Limit(1).AnyAsync(ct))
            {
                continue;
            }

            // Atomic with PutArtifactAsync's touch: an artifact stored again within the grace span is not deleted.
            var entry = await Artifacts.FindOneAndDeleteAsync(F.And(F.Eq("_id", sha), F.Lt("last_put_at", untouchedSince)), cancellationToken: ct);
            if (entry is not null)
            {
                await _bucket.DeleteAsync(entry["file_id"].AsObjectId, ct);
                artifacts++;
            }
        }

        return new PurgeResult(captures, artifacts);
    }

    public void Dispose() => _ownedClient?.Dispose();

    /// <summary>No listing of the capture (nor its page, by another capture) is alerted, unscored, or waiting for its alert decision.</summary>
    private async Task<bool> IsSettledWithoutAlertAsync(BsonDocument capture, CancellationToken ct)
    {
        foreach (var listing in await Listings.Find(F.Eq("capture_id", capture["_id"])).ToListAsync(ct))
        {
            var listingId = listing["_id"].AsString;
            if (LatestScore(listing) is null
                || await Alerts.Find(F.Or(F.Eq("listing_id", listingId), F.Eq("listing_key", capture["normalized_url"]))).Limit(1).AnyAsync(ct)
                || await Scores.Find(F.And(F.Eq("listing_id", listingId), F.Eq("alert_decided_at", BsonNull.Value))).Limit(1).AnyAsync(ct))
            {
                return false;
            }
        }

        return true;
    }

    private IMongoCollection<BsonDocument> Collection(string name) => Database.GetCollection<BsonDocument>(name);

    public async Task<HostTurnOffer> TryTakeHostTurnAsync(string host, string holder, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var at = Time(now);
        // Free (or abandoned) and due: one conditional upsert decides. When the document exists but the condition fails,
        // the upsert's insert hits the _id and loses, which is the answer "not your turn".
        var free = F.And(F.Eq("_id", host), F.Or(F.Eq("holder", BsonNull.Value), F.Lte("lease_until", at)), F.Lte("next_at", at));
        var take = U.Set("holder", holder).Set("lease_until", Time(now + lease)).SetOnInsert("next_at", at);
        try
        {
            var result = await HostSlots.UpdateOneAsync(free, take, new UpdateOptions { IsUpsert = true }, ct);
            if (result.ModifiedCount == 1 || result.UpsertedId is not null)
            {
                return new HostTurnOffer(true, now, false);
            }
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
        }

        var slot = await HostSlots.Find(F.Eq("_id", host)).FirstOrDefaultAsync(ct);
        if (slot is null)
        {
            // Ended and removed between our two calls cannot happen (slots are never deleted); ask again at once.
            return new HostTurnOffer(false, now, false);
        }

        var held = !slot.GetValue("holder", BsonNull.Value).IsBsonNull && string.CompareOrdinal(slot["lease_until"].AsString, at) > 0;
        return new HostTurnOffer(false, ParseTime(slot["next_at"]), held);
    }

    public Task EndHostTurnAsync(string host, string holder, DateTimeOffset nextAllowedAt, CancellationToken ct = default) =>
        HostSlots.UpdateOneAsync(F.And(F.Eq("_id", host), F.Eq("holder", holder)),
            U.Set("holder", BsonNull.Value).Set("lease_until", BsonNull.Value).Set("next_at", Time(nextAllowedAt)), cancellationToken: ct);

    /// <summary>
    /// Inserts <paramref name="document"/> unless a document has the equality <paramref name="key"/> (an upsert with
    /// <c>$setOnInsert</c>); returns whether this call inserted it. Two racing upserts can both miss and one then hits
    /// the unique index: that one lost, which is the same answer as finding the document.
    /// </summary>
    private static async Task<bool> InsertIfAbsentAsync(IMongoCollection<BsonDocument> collection, BsonDocument key, BsonDocument document, CancellationToken ct)
    {
        // The key's fields come from the query on insert; naming them (above all _id) in $setOnInsert too is not needed.
        var onInsert = new BsonDocument(document.Where(e => !key.Contains(e.Name)));
        try
        {
            var result = await collection.UpdateOneAsync(new BsonDocumentFilterDefinition<BsonDocument>(key), new BsonDocument("$setOnInsert", onInsert),
                new UpdateOptions { IsUpsert = true }, ct);
            return result.UpsertedId is not null;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }
}
