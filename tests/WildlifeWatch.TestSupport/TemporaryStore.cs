using System.Text;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Contracts.V1;
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

    /// <summary>Stores a capture of <paramref name="url"/> showing <paramref name="html"/> and returns its announcement.</summary>
    public async Task<PageCaptured> CaptureAsync(string crawlId, string url, string html)
    {
        var htmlSha = await Store.PutArtifactAsync(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        var textSha = await Store.PutArtifactAsync(Encoding.UTF8.GetBytes("text"), "text/plain; charset=utf-8");
        var shotSha = await Store.PutArtifactAsync(new byte[] { 0x89, 0x50 }, "image/png");
        var manifestSha = await Store.PutArtifactAsync(Encoding.UTF8.GetBytes("{}"), "application/json");
        var captureId = Hashing.Sha256Hex(crawlId + "\n" + url)[..32];
        var now = DateTimeOffset.UtcNow;
        await Store.AddCaptureAsync(new Capture(captureId, crawlId, "seed", url, url, url, 200, 0, now, now, htmlSha, textSha, shotSha, manifestSha));
        return new PageCaptured(Guid.NewGuid(), crawlId, "seed", captureId, url, url, url, 200, 0, now, now, htmlSha, textSha, shotSha, manifestSha);
    }

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
