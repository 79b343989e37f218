using System.Globalization;
using MongoDB.Bson;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store.MongoDb;

/// <summary>
/// Explicit document mapping (no class maps): field names are part of the stored format and of the indexes.
/// Times are fixed-width ISO-8601 UTC strings with 100 ns precision, as in SQLite, so they sort and round-trip exactly;
/// prices are invariant-culture strings so a decimal is never rounded through a double.
/// </summary>
internal static class MongoBson
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(BsonValue v) =>
        DateTimeOffset.Parse(v.AsString, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOptionalTime(BsonDocument d, string name) =>
        d.TryGetValue(name, out var v) && !v.IsBsonNull ? ParseTime(v) : null;

    public static BsonValue Nullable(string? s) => s is null ? BsonNull.Value : new BsonString(s);

    public static string? OptionalString(BsonDocument d, string name) =>
        d.TryGetValue(name, out var v) && !v.IsBsonNull ? v.AsString : null;

    public static BsonDocument Crawl(Crawl c) => new() { { "_id", c.Id }, { "started_at", Time(c.StartedAt) }, { "seeds_json", c.SeedsJson } };

    public static Crawl ToCrawl(BsonDocument d) => new(d["_id"].AsString, ParseTime(d["started_at"]), d["seeds_json"].AsString);

    public static BsonDocument Frontier(FrontierEntry e) => new()
    {
        { "crawl_id", e.CrawlId }, { "normalized_url", e.NormalizedUrl }, { "url", e.Url }, { "seed_id", e.SeedId }, { "depth", e.Depth },
        { "state", (int)FrontierState.Queued }, { "host", ListingFacts.Platform(e.Url) },
        { "enqueued_at", Time(e.EnqueuedAt) }, { "updated_at", Time(e.EnqueuedAt) }, { "error", BsonNull.Value },
        { "priority", e.Priority }, { "released_at", e.ReleasedAt is { } released ? Time(released) : BsonNull.Value },
    };

    public static FrontierEntry ToFrontier(BsonDocument d) => new(
        d["crawl_id"].AsString, d["normalized_url"].AsString, d["url"].AsString, d["seed_id"].AsString, d["depth"].AsInt32,
        (FrontierState)d["state"].AsInt32, ParseTime(d["enqueued_at"]), OptionalString(d, "error"),
        d.TryGetValue("priority", out var priority) && priority.IsNumeric ? priority.ToDouble() : 0,
        ParseOptionalTime(d, "released_at"));

    public static BsonDocument Capture(Capture c) => new()
    {
        { "_id", c.Id }, { "crawl_id", c.CrawlId }, { "seed_id", c.SeedId }, { "url", c.Url }, { "normalized_url", c.NormalizedUrl },
        { "final_url", c.FinalUrl }, { "http_status", c.HttpStatus }, { "depth", c.Depth }, { "started_at", Time(c.StartedAt) },
        { "captured_at", Time(c.CapturedAt) }, { "html_sha256", c.HtmlSha256 }, { "text_sha256", c.TextSha256 },
        { "screenshot_sha256", c.ScreenshotSha256 }, { "manifest_sha256", c.ManifestSha256 }, { "extracted_at", BsonNull.Value },
        { "purged_at", BsonNull.Value },
    };

    public static Capture ToCapture(BsonDocument d) => new(
        d["_id"].AsString, d["crawl_id"].AsString, d["seed_id"].AsString, d["url"].AsString, d["normalized_url"].AsString,
        d["final_url"].AsString, d["http_status"].AsInt32, d["depth"].AsInt32, ParseTime(d["started_at"]), ParseTime(d["captured_at"]),
        d["html_sha256"].AsString, d["text_sha256"].AsString, d["screenshot_sha256"].AsString, d["manifest_sha256"].AsString)
    {
        PurgedAt = ParseOptionalTime(d, "purged_at"),
    };

    public static BsonDocument Listing(Listing l) => new()
    {
        { "_id", l.Id }, { "crawl_id", l.CrawlId }, { "capture_id", l.CaptureId }, { "url", l.Url }, { "title", l.Title },
        { "description", l.Description }, { "price", Nullable(l.Price?.ToString(CultureInfo.InvariantCulture)) },
        { "currency", Nullable(l.Currency) }, { "seller", Nullable(l.Seller) },
        { "image_urls", new BsonArray(l.ImageUrls) },
        { "lexicon_hits", new BsonArray(l.LexiconHits.Select(Hit)) },
        { "extracted_at", Time(l.ExtractedAt) },
        { "platform", ListingFacts.Platform(l.Url) }, { "country", Nullable(l.Country) },
        { "species_groups", new BsonArray(ListingFacts.SpeciesGroups(l.LexiconHits)) },
        // score, score_model and score_at are absent until the first score: the query's score range then skips the listing.
    };

    public static Listing ToListing(BsonDocument d) => new(
        d["_id"].AsString, d["crawl_id"].AsString, d["capture_id"].AsString, d["url"].AsString, d["title"].AsString, d["description"].AsString,
        OptionalString(d, "price") is { } price ? decimal.Parse(price, CultureInfo.InvariantCulture) : null,
        OptionalString(d, "currency"), OptionalString(d, "seller"),
        d["image_urls"].AsBsonArray.Select(v => v.AsString).ToList(),
        d["lexicon_hits"].AsBsonArray.Select(v => ToHit(v.AsBsonDocument)).ToList(),
        ParseTime(d["extracted_at"]))
    {
        Country = OptionalString(d, "country"),
    };

    public static Score? LatestScore(BsonDocument listing) =>
        listing.TryGetValue("score", out var v) && v.IsNumeric
            ? new Score(listing["_id"].AsString, listing["crawl_id"].AsString, listing["score_model"].AsString, v.ToDouble(), ParseTime(listing["score_at"]))
            : null;

    public static BsonDocument Score(Score s) => new()
    {
        { "listing_id", s.ListingId }, { "model_version", s.ModelVersion }, { "crawl_id", s.CrawlId }, { "value", s.Value },
        { "scored_at", Time(s.ScoredAt) }, { "alert_decided_at", BsonNull.Value },
        { "product_type", (BsonValue?)s.ProductType ?? BsonNull.Value }, { "reasons_json", (BsonValue?)s.ReasonsJson ?? BsonNull.Value },
    };

    public static Score ToScore(BsonDocument d) =>
        new(d["listing_id"].AsString, d["crawl_id"].AsString, d["model_version"].AsString, d["value"].ToDouble(), ParseTime(d["scored_at"]))
        {
            ProductType = OptionalString(d, "product_type"),
            ReasonsJson = OptionalString(d, "reasons_json"),
        };

    public static BsonDocument Alert(Alert a) => new()
    {
        { "_id", a.Id }, { "listing_id", a.ListingId }, { "crawl_id", a.CrawlId }, { "score", a.Score }, { "threshold", a.Threshold },
        { "model_version", a.ModelVersion }, { "severity", (int)a.Severity }, { "species_group", a.SpeciesGroup }, { "platform", a.Platform },
        { "raised_at", Time(a.RaisedAt) }, { "listing_key", Nullable(a.ListingKey) },
        { "updated_at", a.UpdatedAt is { } updated ? Time(updated) : BsonNull.Value }, { "changed_at", Time(a.UpdatedAt ?? a.RaisedAt) },
        { "revision", a.Revision }, { "scored_at", a.ScoredAt is { } scored ? Time(scored) : BsonNull.Value },
    };

    public static Alert ToAlert(BsonDocument d) => new(
        d["_id"].AsString, d["listing_id"].AsString, d["crawl_id"].AsString, d["score"].ToDouble(), d["threshold"].ToDouble(),
        d["model_version"].AsString, (AlertSeverity)d["severity"].AsInt32, d["species_group"].AsString, d["platform"].AsString, ParseTime(d["raised_at"]))
    {
        ListingKey = OptionalString(d, "listing_key"),
        UpdatedAt = ParseOptionalTime(d, "updated_at"),
        Revision = d.TryGetValue("revision", out var revision) && revision.IsInt32 ? revision.AsInt32 : 0,
        ScoredAt = ParseOptionalTime(d, "scored_at"),
    };

    public static BsonDocument AlertChange(AlertChange h) => new()
    {
        { "_id", $"{h.AlertId}#{h.Revision}" }, { "alert_id", h.AlertId }, { "revision", h.Revision }, { "listing_id", h.ListingId },
        { "crawl_id", h.CrawlId }, { "score", h.Score }, { "model_version", h.ModelVersion }, { "severity", (int)h.Severity }, { "at", Time(h.At) },
    };

    public static AlertChange ToAlertChange(BsonDocument d) => new(
        d["alert_id"].AsString, d["revision"].AsInt32, d["listing_id"].AsString, d["crawl_id"].AsString, d["score"].ToDouble(),
        d["model_version"].AsString, (AlertSeverity)d["severity"].AsInt32, ParseTime(d["at"]));

    public static BsonDocument Label(Label l) => new()
    {
        { "listing_id", l.ListingId }, { "labeled_by", l.LabeledBy }, { "labeled_at", Time(l.LabeledAt) },
        { "is_wildlife", l.IsWildlife }, { "product_type", Nullable(l.ProductType) },
    };

    public static Label ToLabel(BsonDocument d) => new(
        d["listing_id"].AsString, d["is_wildlife"].AsBoolean, OptionalString(d, "product_type"), d["labeled_by"].AsString, ParseTime(d["labeled_at"]));

    public static BsonDocument Model(ModelEntry m) => new()
    {
        { "_id", m.Version }, { "metrics_json", m.MetricsJson }, { "training_data_sha256", m.TrainingDataSha256 }, { "created_at", Time(m.CreatedAt) },
    };

    public static ModelEntry ToModel(BsonDocument d) =>
        new(d["_id"].AsString, d["metrics_json"].AsString, d["training_data_sha256"].AsString, ParseTime(d["created_at"]));

    public static Subscription ToSubscription(BsonDocument d) => new(d["_id"].AsString, d["filter_json"].AsString, ParseTime(d["updated_at"]));

    public static BsonDocument Audit(AuditEntry e) => new()
    {
        { "actor", e.Actor }, { "action", e.Action }, { "subject", e.Subject }, { "details", Nullable(e.Details) }, { "at", Time(e.At) },
    };

    public static AuditEntry ToAudit(BsonDocument d) =>
        new(d["actor"].AsString, d["action"].AsString, d["subject"].AsString, OptionalString(d, "details"), ParseTime(d["at"]));

    private static BsonDocument Hit(LexiconHit h) => new()
    {
        { "term", h.Term }, { "language", h.Language }, { "taxon", h.Taxon }, { "cites_appendix", h.CitesAppendix },
        { "species_group", h.SpeciesGroup }, { "product_type", h.ProductType }, { "negative", h.Negative }, { "start", h.Start }, { "length", h.Length },
    };

    private static LexiconHit ToHit(BsonDocument d) => new(
        d["term"].AsString, d["language"].AsString, d["taxon"].AsString, d["cites_appendix"].AsString, d["species_group"].AsString,
        d["product_type"].AsString, d["negative"].AsBoolean, d["start"].AsInt32, d["length"].AsInt32);
}
