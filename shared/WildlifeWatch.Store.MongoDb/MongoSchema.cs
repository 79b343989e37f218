using MongoDB.Bson;
using MongoDB.Driver;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>Collection names, indexes and forward migrations of the MongoDB store.</summary>
public static class MongoSchema
{
    public const string Crawls = "crawls";
    public const string Frontier = "frontier";
    public const string Captures = "captures";
    public const string Listings = "listings";
    public const string Scores = "scores";
    public const string ShadowScores = "shadow_scores";
    public const string Alerts = "alerts";

    /// <summary>Specimen provenance declarations as submitted (JSON), with their listing ids for the listing lookup.</summary>
    public const string ProvenanceDeclarations = "provenance_declarations";

    /// <summary>Each alert's raise and updates; one document per (alert, revision).</summary>
    public const string AlertHistory = "alert_history";
    public const string Labels = "labels";
    public const string Models = "models";
    public const string Subscriptions = "subscriptions";
    public const string AuditLog = "audit_log";
    public const string SchemaVersions = "schema_versions";
    public const string ListingTraits = "listing_traits";
    public const string ActorLinks = "actor_links";
    public const string Cases = "cases";
    public const string CaseListings = "case_listings";

    /// <summary>Listing pages watched across crawls for their removal; one document per normalized URL (the _id).</summary>
    public const string WatchedListings = "watched_listings";

    /// <summary>Per-host politeness shared by fetcher replicas; one document per host, keyed by the host name.</summary>
    public const string HostSlots = "host_slots";

    /// <summary>The artifact registry: one document per SHA-256, written only after its GridFS file is complete.</summary>
    public const string Artifacts = "artifacts";

    /// <summary>The GridFS bucket of artifact bytes (collections <c>evidence.files</c> and <c>evidence.chunks</c>).</summary>
    public const string EvidenceBucket = "evidence";

    /// <summary>
    /// Forward-only migrations; a migration must be safe to run twice, because two instances starting together may
    /// both apply it before either records it.
    /// </summary>
    /// <summary>The versions of every migration, oldest first: what a fully initialized database records.</summary>
    public static IReadOnlyList<int> Versions => [.. Migrations.Select(m => m.Version)];

    internal static readonly (int Version, string Description, Func<IMongoDatabase, CancellationToken, Task> Apply)[] Migrations =
    [
        (1, "collections and indexes of the first release", EnsureIndexesAsync),
        (2, "frontier entries admitted before priorities count as released when admitted", ReleaseOldFrontierAsync),
        (3, "shadow scores of challenger models, unique per (listing, model)", EnsureShadowScoreIndexesAsync),
        (4, "listing traits (contacts, image hash bands) and actor links", EnsureIndexesAsync),
        (5, "one alert per listing identity: listing keys of existing alerts, alert history; provenance declarations", KeyExistingAlertsAsync),
        (6, "cases of the portal and the listings added to them", EnsureIndexesAsync),
    ];

    /// <summary>
    /// Gives existing alerts the normalized URL of their capture as listing key (the earliest alert of a page keeps it when
    /// an older database alerted one page twice), writes their raise into the history, then declares the indexes.
    /// Safe to run twice: only alerts without a key are touched, and history entries are keyed by (alert, revision).
    /// </summary>
    private static async Task KeyExistingAlertsAsync(IMongoDatabase db, CancellationToken ct)
    {
        var f = Builders<BsonDocument>.Filter;
        var alerts = db.GetCollection<BsonDocument>(Alerts);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var alert in await alerts.Find(f.Type("listing_key", BsonType.String)).ToListAsync(ct))
        {
            taken.Add(alert["listing_key"].AsString);
        }

        var unkeyed = await alerts.Find(f.Not(f.Type("listing_key", BsonType.String))).Sort(Builders<BsonDocument>.Sort.Ascending("raised_at").Ascending("_id")).ToListAsync(ct);
        foreach (var alert in unkeyed)
        {
            var listing = await db.GetCollection<BsonDocument>(Listings).Find(f.Eq("_id", alert["listing_id"])).FirstOrDefaultAsync(ct);
            var capture = listing is null ? null : await db.GetCollection<BsonDocument>(Captures).Find(f.Eq("_id", listing["capture_id"])).FirstOrDefaultAsync(ct);
            var update = Builders<BsonDocument>.Update.Set("changed_at", alert["raised_at"]).Set("revision", 0);
            if (capture?["normalized_url"].AsString is { } key && taken.Add(key))
            {
                update = update.Set("listing_key", key);
            }

            await alerts.UpdateOneAsync(f.Eq("_id", alert["_id"]), update, cancellationToken: ct);
            var raise = new BsonDocument
            {
                { "alert_id", alert["_id"] }, { "revision", 0 }, { "listing_id", alert["listing_id"] }, { "crawl_id", alert["crawl_id"] },
                { "score", alert["score"] }, { "model_version", alert["model_version"] }, { "severity", alert["severity"] }, { "at", alert["raised_at"] },
            };
            await db.GetCollection<BsonDocument>(AlertHistory).UpdateOneAsync(f.Eq("_id", $"{alert["_id"].AsString}#0"),
                new BsonDocument("$setOnInsert", raise), new UpdateOptions { IsUpsert = true }, ct);
        }

        await EnsureIndexesAsync(db, ct);
    }

    // Idempotent: only entries without the field are touched.
    private static Task ReleaseOldFrontierAsync(IMongoDatabase db, CancellationToken ct) =>
        db.GetCollection<BsonDocument>(Frontier).UpdateManyAsync(
            Builders<BsonDocument>.Filter.Exists("released_at", false),
            Builders<BsonDocument>.Update.Pipeline(new BsonDocument[] { new("$set", new BsonDocument { { "released_at", "$enqueued_at" }, { "priority", 0.0 } }) }),
            cancellationToken: ct);

    internal static Task EnsureShadowScoreIndexesAsync(IMongoDatabase db, CancellationToken ct)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        return db.GetCollection<BsonDocument>(ShadowScores).Indexes.CreateManyAsync(
        [
            new(keys.Ascending("listing_id").Ascending("model_version"), new CreateIndexOptions { Name = "ux_listing_model", Unique = true }),
            new(keys.Ascending("model_version").Ascending("scored_at"), new CreateIndexOptions { Name = "ix_model_scored" }),
        ], ct);
    }

    /// <summary>Creates every index (idempotent: an existing index with the same name and keys is left alone).</summary>
    internal static async Task EnsureIndexesAsync(IMongoDatabase db, CancellationToken ct)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        async Task Create(string collection, params CreateIndexModel<BsonDocument>[] indexes) =>
            await db.GetCollection<BsonDocument>(collection).Indexes.CreateManyAsync(indexes, ct);
        static CreateIndexModel<BsonDocument> Index(IndexKeysDefinition<BsonDocument> k, string name, bool unique = false) =>
            new(k, new CreateIndexOptions { Name = name, Unique = unique });

        await Create(Crawls, Index(keys.Descending("started_at"), "ix_started"));
        await Create(Frontier,
            Index(keys.Ascending("crawl_id").Ascending("normalized_url"), "ux_crawl_url", unique: true),
            Index(keys.Ascending("crawl_id").Ascending("state"), "ix_crawl_state"),
            Index(keys.Ascending("state").Ascending("enqueued_at"), "ix_due"),
            Index(keys.Ascending("host").Ascending("state").Ascending("enqueued_at"), "ix_host_due"),
            Index(keys.Ascending("crawl_id").Ascending("state").Ascending("released_at").Descending("priority").Ascending("enqueued_at"), "ix_release"));
        await Create(Captures,
            Index(keys.Ascending("crawl_id").Ascending("captured_at"), "ix_crawl_captured"),
            Index(keys.Ascending("crawl_id").Ascending("extracted_at"), "ix_crawl_extracted"),
            Index(keys.Ascending("normalized_url").Ascending("captured_at"), "ix_url_captured"),
            Index(keys.Ascending("purged_at").Ascending("captured_at"), "ix_retention"),
            Index(keys.Ascending("html_sha256"), "ix_html_sha256"),
            Index(keys.Ascending("text_sha256"), "ix_text_sha256"),
            Index(keys.Ascending("screenshot_sha256"), "ix_screenshot_sha256"),
            Index(keys.Ascending("manifest_sha256"), "ix_manifest_sha256"));
        await Create(Listings,
            Index(keys.Ascending("crawl_id").Ascending("url"), "ix_crawl_url"),
            Index(keys.Ascending("crawl_id").Ascending("score_at"), "ix_crawl_scored"),
            Index(keys.Ascending("capture_id"), "ix_capture"),
            Index(keys.Descending("score").Ascending("_id"), "ix_score"),
            Index(keys.Ascending("species_groups").Descending("score").Ascending("_id"), "ix_species_score"),
            Index(keys.Ascending("platform").Descending("score").Ascending("_id"), "ix_platform_score"),
            Index(keys.Ascending("seller").Descending("score").Ascending("_id"), "ix_seller_score"),
            Index(keys.Ascending("country").Descending("score").Ascending("_id"), "ix_country_score"),
            Index(keys.Ascending("extracted_at"), "ix_extracted"));
        await Create(Scores,
            Index(keys.Ascending("listing_id").Ascending("model_version"), "ux_listing_model", unique: true),
            Index(keys.Ascending("crawl_id").Ascending("alert_decided_at"), "ix_crawl_decided"),
            Index(keys.Ascending("listing_id").Ascending("scored_at"), "ix_listing_history"));
        await Create(Alerts,
            Index(keys.Ascending("listing_id"), "ux_listing", unique: true),
            Index(keys.Ascending("crawl_id").Ascending("raised_at"), "ix_crawl_raised"),
            Index(keys.Ascending("changed_at").Ascending("_id"), "ix_changed"),
            Index(keys.Ascending("platform").Ascending("raised_at"), "ix_platform_raised"),
            new(keys.Ascending("listing_key"), new CreateIndexOptions<BsonDocument>
            {
                Name = "ux_listing_key", Unique = true, PartialFilterExpression = Builders<BsonDocument>.Filter.Type("listing_key", BsonType.String),
            }));
        await Create(AlertHistory, Index(keys.Ascending("alert_id").Ascending("revision"), "ix_alert_revision"));
        await Create(ProvenanceDeclarations,
            Index(keys.Ascending("listing_ids").Ascending("submitted_at"), "ix_listing_submitted"),
            Index(keys.Ascending("submitted_at"), "ix_submitted"));
        await Create(Labels,
            Index(keys.Ascending("listing_id").Ascending("labeled_by").Ascending("labeled_at"), "ux_listing_by_at", unique: true),
            Index(keys.Ascending("labeled_at"), "ix_labeled_at"));
        await Create(Models, Index(keys.Descending("created_at"), "ix_created"));
        await Create(AuditLog,
            Index(keys.Ascending("at").Ascending("_id"), "ix_at"),
            Index(keys.Ascending("subject").Ascending("at").Ascending("_id"), "ix_subject_at"),
            Index(keys.Ascending("actor").Ascending("at").Ascending("_id"), "ix_actor_at"));
        await Create(Artifacts, Index(keys.Ascending("last_put_at"), "ix_last_put"));
        await Create(WatchedListings,
            Index(keys.Ascending("platform").Ascending("first_seen_at"), "ix_platform_first_seen"),
            Index(keys.Ascending("removed_at").Ascending("last_seen_at"), "ix_due"));
        await Create(ListingTraits,
            Index(keys.Ascending("contacts.kind").Ascending("contacts.value"), "ix_contacts"),
            Index(keys.Ascending("image_bands"), "ix_image_bands"));
        await Create(CaseListings,
            Index(keys.Ascending("case_id").Ascending("listing_id"), "ux_case_listing", unique: true),
            Index(keys.Ascending("case_id").Ascending("seq"), "ix_case_seq"));
        await Create(Cases, Index(keys.Descending("created_at"), "ix_created"));
        await Create(ActorLinks,
            Index(keys.Ascending("listing_a"), "ix_listing_a"),
            Index(keys.Ascending("listing_b"), "ix_listing_b"));
    }
}
