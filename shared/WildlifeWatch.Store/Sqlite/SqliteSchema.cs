namespace WildlifeWatch.Store.Sqlite;

/// <summary>Forward-only schema migrations; the index of a script is its version.</summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE crawls(
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            seeds_json TEXT NOT NULL);

        CREATE TABLE frontier(
            crawl_id TEXT NOT NULL REFERENCES crawls(id),
            normalized_url TEXT NOT NULL,
            url TEXT NOT NULL,
            seed_id TEXT NOT NULL,
            depth INTEGER NOT NULL,
            state INTEGER NOT NULL,
            enqueued_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY(crawl_id, normalized_url));
        CREATE INDEX ix_frontier_state ON frontier(crawl_id, state);

        CREATE TABLE artifacts(
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            content BLOB NOT NULL,
            stored_at TEXT NOT NULL);

        CREATE TABLE captures(
            id TEXT PRIMARY KEY,
            crawl_id TEXT NOT NULL REFERENCES crawls(id),
            seed_id TEXT NOT NULL,
            url TEXT NOT NULL,
            normalized_url TEXT NOT NULL,
            final_url TEXT NOT NULL,
            http_status INTEGER NOT NULL,
            depth INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            html_sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            text_sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            screenshot_sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            manifest_sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            extracted_at TEXT);
        CREATE INDEX ix_captures_crawl ON captures(crawl_id, extracted_at);

        CREATE TABLE listings(
            id TEXT PRIMARY KEY,
            crawl_id TEXT NOT NULL REFERENCES crawls(id),
            capture_id TEXT NOT NULL REFERENCES captures(id),
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            price TEXT,
            currency TEXT,
            seller TEXT,
            image_urls_json TEXT NOT NULL,
            lexicon_hits_json TEXT NOT NULL,
            extracted_at TEXT NOT NULL);
        CREATE INDEX ix_listings_crawl ON listings(crawl_id);

        CREATE TABLE scores(
            listing_id TEXT NOT NULL REFERENCES listings(id),
            model_version TEXT NOT NULL,
            crawl_id TEXT NOT NULL,
            value REAL NOT NULL,
            scored_at TEXT NOT NULL,
            alert_decided_at TEXT,
            PRIMARY KEY(listing_id, model_version));
        CREATE INDEX ix_scores_crawl ON scores(crawl_id, alert_decided_at);

        CREATE TABLE alerts(
            id TEXT PRIMARY KEY,
            listing_id TEXT NOT NULL UNIQUE REFERENCES listings(id),
            crawl_id TEXT NOT NULL,
            score REAL NOT NULL,
            threshold REAL NOT NULL,
            model_version TEXT NOT NULL,
            severity INTEGER NOT NULL,
            species_group TEXT NOT NULL,
            platform TEXT NOT NULL,
            raised_at TEXT NOT NULL);
        CREATE INDEX ix_alerts_crawl ON alerts(crawl_id);
        """,
    ];
}
