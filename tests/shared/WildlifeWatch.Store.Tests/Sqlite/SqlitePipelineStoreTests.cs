using Microsoft.Data.Sqlite;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Store.Tests.Sqlite;

[TestFixture]
public sealed class SqlitePipelineStoreTests : PipelineStoreContractTests
{
    private string _directory = null!;
#pragma warning disable NUnit1032 // Disposed in DisposeStoreAsync, which the base fixture's [TearDown] calls.
    private SqlitePipelineStore? _store;
#pragma warning restore NUnit1032

    protected override Task<IPipelineStore> CreateStoreAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-store-" + Guid.NewGuid().ToString("N"));
        _store = new SqlitePipelineStore(Path.Combine(_directory, "pipeline.db"));
        return Task.FromResult<IPipelineStore>(_store);
    }

    protected override Task DisposeStoreAsync()
    {
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override async Task FlipStoredByteAsync(string sha256, int index)
    {
        await using var connection = new SqliteConnection($"Data Source={_store!.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE artifacts SET content = $c WHERE sha256 = $sha;";
        var tampered = (await _store.GetArtifactAsync(sha256))!;
        tampered[index] ^= 0x01;
        command.Parameters.AddWithValue("$c", tampered);
        command.Parameters.AddWithValue("$sha", sha256);
        Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_database_runs_in_wal_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={_store!.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
    }

    [Test]
    public void Foreign_keys_are_enforced()
    {
        // The store's connections turn them on: a listing of an unknown capture is refused.
        var listing = new Listing("l1", "nope", "no-such-capture", "http://a/", "t", "d", null, null, null, [], [], DateTimeOffset.UtcNow);

        Assert.That(async () => await _store!.CompleteExtractionAsync("no-such-capture", listing), Throws.InstanceOf<SqliteException>());
    }

    [Test]
    public async Task Migration_2_upgrades_a_version_1_database_and_backfills_the_query_columns()
    {
        SqliteConnection.ClearAllPools();
        var path = Path.Combine(_directory, "v1.db");
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await c.OpenAsync();
            await using var command = c.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version(version INTEGER NOT NULL);" + SqliteSchema.Migrations[0] + """
                INSERT INTO schema_version VALUES (1);
                INSERT INTO crawls VALUES ('c1', '2025-01-01T00:00:00.0000000Z', '{}');
                INSERT INTO artifacts VALUES ('h', 'text/plain', 1, x'00', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO captures VALUES ('cap1', 'c1', 's', 'http://a/', 'http://a/', 'http://a/', 200, 0, '2025-01-01T00:00:00.0000000Z',
                    '2025-01-01T00:00:00.0000000Z', 'h', 'h', 'h', 'h', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO listings VALUES ('l1', 'c1', 'cap1', 'http://Shop.Example:8080/x', 't', 'd', NULL, NULL, 's1', '[]',
                    '[{"term":"ivory","speciesGroup":"elephants","negative":false},{"term":"faux","speciesGroup":"decoys","negative":true}]',
                    '2025-01-01T00:00:00.0000000Z');
                INSERT INTO scores VALUES ('l1', 'm1', 'c1', 0.4, '2025-01-01T00:00:00.0000000Z', NULL);
                INSERT INTO scores VALUES ('l1', 'm2', 'c1', 0.9, '2025-01-02T00:00:00.0000000Z', NULL);
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var upgraded = new SqlitePipelineStore(path);
        await upgraded.InitializeAsync();

        var page = await upgraded.QueryListingsAsync(new ListingQuery { SpeciesGroup = "elephants", Platform = "shop.example:8080", MinScore = 0.8 });
        Assert.That(page.Items.Select(i => (i.Listing.Id, i.Score!.ModelVersion)), Is.EqualTo(new[] { ("l1", "m2") }));
        Assert.That((await upgraded.QueryListingsAsync(new ListingQuery { SpeciesGroup = "decoys" })).Items, Is.Empty, "a negative hit names no species");
    }

    [Test]
    public async Task Migration_7_keys_existing_alerts_by_their_page_and_the_earliest_alert_of_a_page_keeps_the_key()
    {
        SqliteConnection.ClearAllPools();
        var path = Path.Combine(_directory, "v6.db");
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await c.OpenAsync();
            await using var command = c.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version(version INTEGER NOT NULL);" + string.Concat(SqliteSchema.Migrations[..6]) + """
                INSERT INTO schema_version VALUES (1), (2), (3), (4), (5), (6);
                INSERT INTO crawls VALUES ('c1', '2025-01-01T00:00:00.0000000Z', '{}'), ('c2', '2025-01-08T00:00:00.0000000Z', '{}');
                INSERT INTO artifacts(sha256, media_type, size, content, stored_at) VALUES ('h', 'text/plain', 1, x'00', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO captures(id, crawl_id, seed_id, url, normalized_url, final_url, http_status, depth, started_at, captured_at,
                    html_sha256, text_sha256, screenshot_sha256, manifest_sha256, extracted_at) VALUES
                    ('cap1', 'c1', 's', 'http://a/item/1', 'http://a/item/1', 'http://a/item/1', 200, 0, '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z', 'h', 'h', 'h', 'h', '2025-01-01T00:00:00.0000000Z'),
                    ('cap2', 'c2', 's', 'http://a/item/1', 'http://a/item/1', 'http://a/item/1', 200, 0, '2025-01-08T00:00:00.0000000Z', '2025-01-08T00:00:00.0000000Z', 'h', 'h', 'h', 'h', '2025-01-08T00:00:00.0000000Z'),
                    ('cap3', 'c1', 's', 'http://a/item/3', 'http://a/item/3', 'http://a/item/3', 200, 0, '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z', 'h', 'h', 'h', 'h', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO listings(id, crawl_id, capture_id, url, title, description, image_urls_json, lexicon_hits_json, extracted_at) VALUES
                    ('l1', 'c1', 'cap1', 'http://a/item/1', 't', 'd', '[]', '[]', '2025-01-01T00:00:00.0000000Z'),
                    ('l2', 'c2', 'cap2', 'http://a/item/1', 't', 'd', '[]', '[]', '2025-01-08T00:00:00.0000000Z'),
                    ('l3', 'c1', 'cap3', 'http://a/item/3', 't', 'd', '[]', '[]', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO scores(listing_id, model_version, crawl_id, value, scored_at, alert_decided_at) VALUES
                    ('l1', 'm1', 'c1', 0.8, '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z'),
                    ('l2', 'm1', 'c2', 0.8, '2025-01-08T00:00:00.0000000Z', '2025-01-08T00:00:00.0000000Z'),
                    ('l2', 'm2', 'c2', 0.99, '2025-01-09T00:00:00.0000000Z', NULL);
                INSERT INTO alerts VALUES
                    ('a2', 'l2', 'c2', 0.8, 0.5, 'm1', 1, 'elephants', 'a', '2025-01-08T00:00:00.0000000Z'),
                    ('a1', 'l1', 'c1', 0.8, 0.5, 'm1', 1, 'elephants', 'a', '2025-01-01T00:00:00.0000000Z'),
                    ('a3', 'l3', 'c1', 0.7, 0.5, 'm1', 1, 'elephants', 'a', '2025-01-01T00:00:00.0000000Z');
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var upgraded = new SqlitePipelineStore(path);
        await upgraded.InitializeAsync();
        var keys = (await upgraded.GetAlertsAsync("c1")).Concat(await upgraded.GetAlertsAsync("c2")).ToDictionary(a => a.Id, a => a.ListingKey);
        var rescore = await upgraded.DecideAlertAsync("l2", "m2",
            new Alert("x", "l2", "c2", 0.99, 0.5, "m2", Contracts.V1.AlertSeverity.Critical, "elephants", "a", DateTimeOffset.UtcNow));

        Assert.That(keys, Is.EqualTo(new Dictionary<string, string?> { ["a1"] = "http://a/item/1", ["a2"] = null, ["a3"] = "http://a/item/3" }));
        Assert.That((await upgraded.GetAlertHistoryAsync("a3")).Single().Revision, Is.Zero, "existing raises start the history");
        Assert.That(rescore.Alert!.Id, Is.EqualTo("a2"), "the old second alert still answers for its own listing");
        Assert.That((await upgraded.GetAlertOfListingAsync("l1"))!.Id, Is.EqualTo("a1"));
    }

    [Test]
    public async Task Captured_evidence_cannot_be_rewritten_in_place()
    {
        await _store!.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow, "{}"));
        var sha = await _store.PutArtifactAsync("x"u8.ToArray(), "text/plain");
        var now = DateTimeOffset.UtcNow;
        await _store.AddCaptureAsync(new Capture("cap1", "c1", "s", "http://a/", "http://a/", "http://a/", 200, 0, now, now, sha, sha, sha, sha));
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE captures SET screenshot_sha256 = 'forged' WHERE id = 'cap1';";

        Assert.That(async () => await command.ExecuteNonQueryAsync(), Throws.InstanceOf<SqliteException>().With.Message.Contains("append-only"));
    }
}
