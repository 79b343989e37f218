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
        // 2: the portal's listing query, labels, model registry, subscriptions, audit log, retention, frontier scheduling.
        """
        ALTER TABLE frontier ADD COLUMN host TEXT;
        UPDATE frontier SET host = lower(substr(substr(url, instr(url, '://') + 3), 1, instr(substr(url, instr(url, '://') + 3) || '/', '/') - 1));
        CREATE INDEX ix_frontier_due ON frontier(state, enqueued_at);
        CREATE INDEX ix_frontier_host ON frontier(host, state, enqueued_at);

        ALTER TABLE artifacts ADD COLUMN purged_at TEXT;

        ALTER TABLE captures ADD COLUMN purged_at TEXT;
        CREATE INDEX ix_captures_captured ON captures(captured_at);
        CREATE INDEX ix_captures_url ON captures(normalized_url, captured_at);
        CREATE INDEX ix_captures_html ON captures(html_sha256);
        CREATE INDEX ix_captures_text ON captures(text_sha256);
        CREATE INDEX ix_captures_screenshot ON captures(screenshot_sha256);
        CREATE INDEX ix_captures_manifest ON captures(manifest_sha256);
        -- Evidence columns are append-only: only the pipeline's bookkeeping (extracted_at, purged_at) may change.
        CREATE TRIGGER captures_evidence_immutable
        BEFORE UPDATE OF id, crawl_id, seed_id, url, normalized_url, final_url, http_status, depth, started_at, captured_at,
            html_sha256, text_sha256, screenshot_sha256, manifest_sha256 ON captures
        BEGIN SELECT RAISE(ABORT, 'captures are append-only'); END;
        CREATE TRIGGER captures_never_deleted BEFORE DELETE ON captures
        BEGIN SELECT RAISE(ABORT, 'captures are append-only'); END;

        ALTER TABLE listings ADD COLUMN platform TEXT NOT NULL DEFAULT '';
        ALTER TABLE listings ADD COLUMN country TEXT;
        ALTER TABLE listings ADD COLUMN score REAL;
        ALTER TABLE listings ADD COLUMN score_model TEXT;
        ALTER TABLE listings ADD COLUMN score_at TEXT;
        UPDATE listings SET platform = lower(substr(substr(url, instr(url, '://') + 3), 1, instr(substr(url, instr(url, '://') + 3) || '/', '/') - 1));
        UPDATE listings SET (score, score_model, score_at) =
            (SELECT value, model_version, scored_at FROM scores s WHERE s.listing_id = listings.id ORDER BY scored_at DESC, model_version DESC LIMIT 1);
        CREATE INDEX ix_listings_capture ON listings(capture_id);
        CREATE INDEX ix_listings_score ON listings(score DESC, id);
        CREATE INDEX ix_listings_platform ON listings(platform, score DESC, id);
        CREATE INDEX ix_listings_seller ON listings(seller, score DESC, id);
        CREATE INDEX ix_listings_country ON listings(country, score DESC, id);
        CREATE INDEX ix_listings_time ON listings(extracted_at);

        -- One row per (listing, species group), carrying the listing's latest score so that a species page is an index range.
        CREATE TABLE listing_species(
            listing_id TEXT NOT NULL REFERENCES listings(id),
            species_group TEXT NOT NULL,
            score REAL,
            PRIMARY KEY(listing_id, species_group));
        CREATE INDEX ix_listing_species ON listing_species(species_group, score DESC, listing_id);
        INSERT OR IGNORE INTO listing_species(listing_id, species_group, score)
            SELECT l.id, json_extract(h.value, '$.speciesGroup'), l.score FROM listings l, json_each(l.lexicon_hits_json) h
            WHERE json_extract(h.value, '$.negative') = 0 AND coalesce(json_extract(h.value, '$.speciesGroup'), '') <> '';

        CREATE TABLE labels(
            listing_id TEXT NOT NULL,
            labeled_by TEXT NOT NULL,
            labeled_at TEXT NOT NULL,
            is_wildlife INTEGER NOT NULL,
            product_type TEXT,
            PRIMARY KEY(listing_id, labeled_by, labeled_at));
        CREATE INDEX ix_labels_time ON labels(labeled_at);

        CREATE TABLE models(
            version TEXT PRIMARY KEY,
            metrics_json TEXT NOT NULL,
            training_data_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL);

        CREATE TABLE subscriptions(
            name TEXT PRIMARY KEY,
            filter_json TEXT NOT NULL,
            updated_at TEXT NOT NULL);

        CREATE TABLE audit_log(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            details TEXT,
            at TEXT NOT NULL);
        CREATE INDEX ix_audit_at ON audit_log(at, seq);
        CREATE INDEX ix_audit_subject ON audit_log(subject, at, seq);
        CREATE INDEX ix_audit_actor ON audit_log(actor, at, seq);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """,
        """
        -- Per-host politeness shared by every fetcher replica: who holds the host's turn, until when, and the
        -- earliest time the next request to the host may be sent.
        CREATE TABLE IF NOT EXISTS host_slots(
            host TEXT PRIMARY KEY,
            holder TEXT,
            lease_until TEXT,
            next_at TEXT NOT NULL);
        """,
        // The scheduler's frontier: priorities released in order, a bounded number in flight (rows from before were
        // announced when admitted, so they count as released then); listings watched for removal.
        """
        ALTER TABLE frontier ADD COLUMN priority REAL NOT NULL DEFAULT 0;
        ALTER TABLE frontier ADD COLUMN released_at TEXT;
        UPDATE frontier SET released_at = enqueued_at;
        CREATE INDEX IF NOT EXISTS ix_frontier_release ON frontier(crawl_id, state, released_at, priority DESC, enqueued_at);

        -- Listing pages watched across crawls for their removal (time-to-removal per platform).
        CREATE TABLE IF NOT EXISTS watched_listings(
            normalized_url TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            seed_id TEXT NOT NULL,
            first_crawl_id TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            removed_at TEXT,
            removal_reason TEXT);
        CREATE INDEX IF NOT EXISTS ix_watched_platform ON watched_listings(platform, first_seen_at);
        CREATE INDEX IF NOT EXISTS ix_watched_due ON watched_listings(removed_at, last_seen_at);
        """,

        // 3: explanations and product type on every score; shadow (challenger) scores apart from the live ones.
        """
        ALTER TABLE scores ADD COLUMN product_type TEXT;
        ALTER TABLE scores ADD COLUMN reasons_json TEXT;

        CREATE TABLE IF NOT EXISTS shadow_scores(
            listing_id TEXT NOT NULL REFERENCES listings(id),
            model_version TEXT NOT NULL,
            crawl_id TEXT NOT NULL,
            value REAL NOT NULL,
            scored_at TEXT NOT NULL,
            product_type TEXT,
            reasons_json TEXT,
            PRIMARY KEY(listing_id, model_version));
        CREATE INDEX IF NOT EXISTS ix_shadow_scores_model ON shadow_scores(model_version, scored_at);
        """,
        """
        -- Listing traits and seller linking (issue 6): the traits as JSON, contacts and image hashes as lookup tables,
        -- and the links between listings that make up actors.
        CREATE TABLE IF NOT EXISTS listing_traits(
            listing_id TEXT PRIMARY KEY,
            language TEXT,
            traits_json TEXT NOT NULL,
            saved_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS listing_contacts(
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            PRIMARY KEY(kind, value, listing_id));
        CREATE INDEX IF NOT EXISTS ix_listing_contacts_listing ON listing_contacts(listing_id);
        -- phash is the 64-bit hash as a signed integer (SQLite has no unsigned type).
        CREATE TABLE IF NOT EXISTS listing_images(
            listing_id TEXT NOT NULL,
            url TEXT NOT NULL,
            phash INTEGER NOT NULL,
            detail REAL NOT NULL DEFAULT 0,
            PRIMARY KEY(listing_id, url));
        CREATE TABLE IF NOT EXISTS actor_links(
            listing_a TEXT NOT NULL,
            listing_b TEXT NOT NULL,
            kind TEXT NOT NULL,
            evidence TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            PRIMARY KEY(listing_a, listing_b, kind, evidence));
        CREATE INDEX IF NOT EXISTS ix_actor_links_b ON actor_links(listing_b);
        """,
        """
        -- Issue 8. One alert per listing identity across captures: the key is the normalized URL of the listing's
        -- capture; a rescore updates the alert and leaves a history row. Existing alerts get the key of their capture,
        -- the earliest alert of a page keeping it when an older database alerted the same page twice.
        ALTER TABLE alerts ADD COLUMN listing_key TEXT;
        ALTER TABLE alerts ADD COLUMN updated_at TEXT;
        ALTER TABLE alerts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE alerts ADD COLUMN scored_at TEXT;
        UPDATE alerts SET listing_key = (SELECT c.normalized_url FROM listings l JOIN captures c ON c.id = l.capture_id WHERE l.id = alerts.listing_id)
        WHERE NOT EXISTS (
            SELECT 1 FROM alerts o JOIN listings ol ON ol.id = o.listing_id JOIN captures oc ON oc.id = ol.capture_id,
                          listings ml JOIN captures mc ON mc.id = ml.capture_id
            WHERE ml.id = alerts.listing_id AND oc.normalized_url = mc.normalized_url
              AND (o.raised_at < alerts.raised_at OR (o.raised_at = alerts.raised_at AND o.id < alerts.id)));
        CREATE UNIQUE INDEX IF NOT EXISTS ux_alerts_listing_key ON alerts(listing_key);
        CREATE INDEX IF NOT EXISTS ix_alerts_changed ON alerts(coalesce(updated_at, raised_at), id);
        CREATE INDEX IF NOT EXISTS ix_alerts_platform ON alerts(platform, raised_at);
        CREATE TABLE IF NOT EXISTS alert_history(
            alert_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            listing_id TEXT NOT NULL,
            crawl_id TEXT NOT NULL,
            score REAL NOT NULL,
            model_version TEXT NOT NULL,
            severity INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY(alert_id, revision));
        INSERT OR IGNORE INTO alert_history(alert_id, revision, listing_id, crawl_id, score, model_version, severity, at)
            SELECT id, 0, listing_id, crawl_id, score, model_version, severity, raised_at FROM alerts;

        -- Specimen provenance declarations (issue 8), as submitted, and the listings each one names.
        CREATE TABLE IF NOT EXISTS provenance_declarations(
            id TEXT PRIMARY KEY,
            declaration_json TEXT NOT NULL,
            submitted_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS provenance_listings(
            listing_id TEXT NOT NULL,
            declaration_id TEXT NOT NULL REFERENCES provenance_declarations(id),
            PRIMARY KEY(listing_id, declaration_id));
        """,
        """
        -- Cases of the investigators' portal (issue 8): a case and the listings added to it.
        CREATE TABLE IF NOT EXISTS cases(
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS case_listings(
            case_id TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(case_id, listing_id));
        CREATE INDEX IF NOT EXISTS ix_case_listings_listing ON case_listings(listing_id);
        """,
    ];
}
