using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, artifacts as content-addressed blobs. Several
/// processes may share the file on one machine (the busy timeout covers their write contention);
/// within a process writes are serialized to avoid needless lock retries.
/// </summary>
public sealed partial class SqlitePipelineStore : IPipelineStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqlitePipelineStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        DatabasePath = full;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);", ct);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var current = Convert.ToInt32(await ScalarAsync(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", ct), CultureInfo.InvariantCulture);
            if (current > SqliteSchema.Migrations.Length)
            {
                // A newer build migrated this file; running old code against it could corrupt what it does not know.
                throw new InvalidOperationException($"The store at '{DatabasePath}' is at schema version {current}; this build knows up to {SqliteSchema.Migrations.Length}.");
            }

            for (var version = current + 1; version <= SqliteSchema.Migrations.Length; version++)
            {
                await ExecuteAsync(connection, tx, SqliteSchema.Migrations[version - 1], ct);
                await ExecuteAsync(connection, tx, "INSERT INTO schema_version(version) VALUES ($v);", ct, ("$v", version));
            }

            await tx.CommitAsync(ct);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task CreateCrawlAsync(Crawl crawl, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            "INSERT OR IGNORE INTO crawls(id, started_at, seeds_json) VALUES ($id, $at, $seeds);", ct,
            ("$id", crawl.Id), ("$at", Time(crawl.StartedAt)), ("$seeds", crawl.SeedsJson)), ct);

    public async Task<Crawl?> GetCrawlAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, "SELECT id, started_at, seeds_json FROM crawls WHERE id = $id;",
            r => new Crawl(r.GetString(0), ParseTime(r.GetString(1)), r.GetString(2)), ct, ("$id", crawlId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<Crawl>> GetCrawlsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, "SELECT id, started_at, seeds_json FROM crawls ORDER BY started_at DESC, id;",
            r => new Crawl(r.GetString(0), ParseTime(r.GetString(1)), r.GetString(2)), ct);
    }

    public Task<IReadOnlyList<FrontierEntry>> AdmitAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await InsertNewAsync(c, tx, entries, ct), ct);

    public Task<IReadOnlyList<FrontierEntry>> ExpandAsync(string crawlId, string sourceNormalizedUrl, IReadOnlyList<FrontierEntry> links, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            var admitted = await InsertNewAsync(c, tx, links, ct);
            await ExecuteAsync(c, tx,
                "UPDATE frontier SET state = $done, updated_at = $now WHERE crawl_id = $crawl AND normalized_url = $url AND state = $queued;", ct,
                ("$done", (int)FrontierState.Done), ("$queued", (int)FrontierState.Queued), ("$now", Time(DateTimeOffset.UtcNow)),
                ("$crawl", crawlId), ("$url", sourceNormalizedUrl));
            return admitted;
        }, ct);

    public Task MarkFailedAsync(string crawlId, string normalizedUrl, string reason, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            "UPDATE frontier SET state = $failed, error = $reason, updated_at = $now WHERE crawl_id = $crawl AND normalized_url = $url AND state = $queued;", ct,
            ("$failed", (int)FrontierState.Failed), ("$queued", (int)FrontierState.Queued), ("$reason", reason),
            ("$now", Time(DateTimeOffset.UtcNow)), ("$crawl", crawlId), ("$url", normalizedUrl)), ct);

    public async Task<IReadOnlyList<FrontierEntry>> GetFrontierAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, FrontierSelect + " WHERE crawl_id = $crawl ORDER BY enqueued_at, normalized_url;", ReadFrontier, ct, ("$crawl", crawlId));
    }

    public async Task<string> PutArtifactAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct = default)
    {
        var sha = Hashing.Sha256Hex(content.Span);
        await WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            """
            INSERT INTO artifacts(sha256, media_type, size, content, stored_at) VALUES ($sha, $type, $size, $content, $now)
            ON CONFLICT(sha256) DO UPDATE SET content = excluded.content, size = excluded.size, purged_at = NULL WHERE artifacts.purged_at IS NOT NULL;
            """, ct,
            ("$sha", sha), ("$type", mediaType), ("$size", content.Length), ("$content", content.ToArray()), ("$now", Time(DateTimeOffset.UtcNow))), ct);
        return sha;
    }

    public async Task<byte[]?> GetArtifactAsync(string sha256, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await ScalarAsync(c, null, "SELECT content FROM artifacts WHERE sha256 = $sha AND purged_at IS NULL;", ct, ("$sha", sha256)) as byte[];
    }

    public Task<bool> AddCaptureAsync(Capture capture, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await using var insert = new CaptureInsert(c, tx);
            return await insert.RunAsync(capture, ct);
        }, ct);

    public Task<int> AddCapturesAsync(IReadOnlyList<Capture> captures, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await using var insert = new CaptureInsert(c, tx);
            var added = 0;
            foreach (var capture in captures)
            {
                added += await insert.RunAsync(capture, ct) ? 1 : 0;
            }

            return added;
        }, ct);

    public async Task<Capture?> GetCaptureAsync(string captureId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, CaptureSelect + " WHERE id = $id;", ReadCapture, ct, ("$id", captureId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<Capture>> GetCapturesAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, CaptureSelect + " WHERE crawl_id = $crawl ORDER BY captured_at, id;", ReadCapture, ct, ("$crawl", crawlId));
    }

    public Task CompleteExtractionAsync(string captureId, Listing? listing, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await using var insert = new ListingInsert(c, tx);
            if (listing is not null)
            {
                await insert.RunAsync(listing, ct);
            }

            await insert.MarkExtractedAsync(captureId, ct);
            return 0;
        }, ct);

    public Task<int> AddListingsAsync(IReadOnlyList<Listing> listings, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await using var insert = new ListingInsert(c, tx);
            var added = 0;
            foreach (var listing in listings)
            {
                added += await insert.RunAsync(listing, ct) ? 1 : 0;
                await insert.MarkExtractedAsync(listing.CaptureId, ct);
            }

            return added;
        }, ct);

    public async Task<Listing?> GetListingAsync(string listingId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, ListingSelect + " WHERE l.id = $id;", ReadListing, ct, ("$id", listingId));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task AddScoreAsync(Score score, CancellationToken ct = default) => AddScoresAsync([score], ct);

    public Task<int> AddScoresAsync(IReadOnlyList<Score> scores, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await using var insert = new ScoreInsert(c, tx);
            var added = 0;
            foreach (var score in scores)
            {
                added += await insert.RunAsync(score, ct) ? 1 : 0;
            }

            return added;
        }, ct);

    public async Task<IReadOnlyList<ScoredListing>> GetScoredListingsAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var listings = await QueryAsync(c, ListingSelect + " WHERE l.crawl_id = $crawl ORDER BY l.url;", ReadListing, ct, ("$crawl", crawlId));
        var scores = await QueryAsync(c,
            $"SELECT {ScoreColumns} FROM scores WHERE crawl_id = $crawl ORDER BY scored_at, model_version;", ReadScore, ct, ("$crawl", crawlId));
        var latest = new Dictionary<string, Score>(StringComparer.Ordinal);
        foreach (var score in scores)
        {
            latest[score.ListingId] = score;
        }

        return listings.Select(l => new ScoredListing(l, latest.GetValueOrDefault(l.Id))).ToList();
    }

    public async Task<IReadOnlyList<Alert>> GetAlertsAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, AlertSelect + " WHERE crawl_id = $crawl ORDER BY raised_at, id;", ReadAlert, ct, ("$crawl", crawlId));
    }

    public async Task<CrawlProgress> GetProgressAsync(string crawlId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c,
            """
            SELECT
              (SELECT COUNT(*) FROM frontier WHERE crawl_id = $crawl AND state = 0),
              (SELECT COUNT(*) FROM frontier WHERE crawl_id = $crawl AND state = 1),
              (SELECT COUNT(*) FROM frontier WHERE crawl_id = $crawl AND state = 2),
              (SELECT COUNT(*) FROM captures WHERE crawl_id = $crawl),
              (SELECT COUNT(*) FROM captures WHERE crawl_id = $crawl AND extracted_at IS NULL),
              (SELECT COUNT(*) FROM listings WHERE crawl_id = $crawl),
              (SELECT COUNT(*) FROM listings l WHERE l.crawl_id = $crawl AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.listing_id = l.id)),
              (SELECT COUNT(*) FROM scores WHERE crawl_id = $crawl AND alert_decided_at IS NULL),
              (SELECT COUNT(*) FROM alerts WHERE crawl_id = $crawl);
            """,
            r => new CrawlProgress(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8)),
            ct, ("$crawl", crawlId));
        return rows[0];
    }

    public void Dispose() => _writeGate.Dispose();

    private const string FrontierSelect =
        "SELECT crawl_id, normalized_url, url, seed_id, depth, state, enqueued_at, error, priority, released_at FROM frontier";

    private static FrontierEntry ReadFrontier(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), (FrontierState)r.GetInt32(5), ParseTime(r.GetString(6)),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetDouble(8), r.IsDBNull(9) ? null : ParseTime(r.GetString(9)));

    private const string CaptureSelect =
        "SELECT id, crawl_id, seed_id, url, normalized_url, final_url, http_status, depth, started_at, captured_at, html_sha256, text_sha256, screenshot_sha256, manifest_sha256, purged_at FROM captures";

    private const string ListingColumns =
        "l.id, l.crawl_id, l.capture_id, l.url, l.title, l.description, l.price, l.currency, l.seller, l.image_urls_json, l.lexicon_hits_json, l.extracted_at, l.country";

    private const string ListingSelect = "SELECT " + ListingColumns + " FROM listings l";

    private static Capture ReadCapture(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetInt32(7),
        ParseTime(r.GetString(8)), ParseTime(r.GetString(9)), r.GetString(10), r.GetString(11), r.GetString(12), r.GetString(13))
    {
        PurgedAt = r.IsDBNull(14) ? null : ParseTime(r.GetString(14)),
    };

    private static Listing ReadListing(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : decimal.Parse(r.GetString(6), CultureInfo.InvariantCulture),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        JsonSerializer.Deserialize<List<string>>(r.GetString(9), Json) ?? [],
        JsonSerializer.Deserialize<List<LexiconHit>>(r.GetString(10), Json) ?? [],
        ParseTime(r.GetString(11)))
    {
        Country = r.IsDBNull(12) ? null : r.GetString(12),
    };

    private async Task<IReadOnlyList<FrontierEntry>> InsertNewAsync(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<FrontierEntry> entries, CancellationToken ct)
    {
        var admitted = new List<FrontierEntry>();
        foreach (var e in entries)
        {
            var n = await ExecuteAsync(c, tx,
                """
                INSERT OR IGNORE INTO frontier(crawl_id, normalized_url, url, seed_id, depth, state, enqueued_at, updated_at, host, priority, released_at)
                VALUES ($crawl, $norm, $url, $seed, $depth, $state, $at, $at, $host, $priority, $released);
                """, ct,
                ("$crawl", e.CrawlId), ("$norm", e.NormalizedUrl), ("$url", e.Url), ("$seed", e.SeedId), ("$depth", e.Depth),
                ("$priority", e.Priority), ("$released", e.ReleasedAt is { } released ? Time(released) : null),
                ("$host", ListingFacts.Platform(e.Url)),
                ("$state", (int)FrontierState.Queued), ("$at", Time(e.EnqueuedAt)));
            if (n == 1)
            {
                admitted.Add(e with { State = FrontierState.Queued });
            }
        }

        return admitted;
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var result = await work(connection, tx);
            await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", ct);
        return connection;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(c, tx, sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(c, tx, sql, args);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(SqliteConnection c, string sql, Func<SqliteDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(c, null, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, (string Name, object? Value)[] args)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
