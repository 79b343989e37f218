using Microsoft.Data.Sqlite;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.TestSupport;

/// <summary>A real SQLite store in a throw-away file, with one crawl created (captures need their crawl).</summary>
public sealed class TemporaryStore : IDisposable
{
    private TemporaryStore(string path, SqlitePipelineStore store)
    {
        DatabasePath = path;
        Store = store;
    }

    public string DatabasePath { get; }

    public SqlitePipelineStore Store { get; }

    public static async Task<TemporaryStore> CreateAsync(string crawlId, string prefix = "wtw-test")
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");
        var store = new SqlitePipelineStore(path);
        await store.InitializeAsync();
        await store.CreateCrawlAsync(new Crawl(crawlId, DateTimeOffset.UtcNow, "[]"));
        return new TemporaryStore(path, store);
    }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
