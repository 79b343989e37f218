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

    [Test]
    public async Task The_database_runs_in_wal_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={_store!.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
    }
}
