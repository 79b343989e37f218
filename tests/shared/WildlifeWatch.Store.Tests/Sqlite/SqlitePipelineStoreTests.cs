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
