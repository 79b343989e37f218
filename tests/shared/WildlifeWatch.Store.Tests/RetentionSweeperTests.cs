using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Store.Tests;

public sealed class RetentionSweeperTests
{
    private string _directory = null!;
    private SqlitePipelineStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-retention-" + Guid.NewGuid().ToString("N"));
        _store = new SqlitePipelineStore(Path.Combine(_directory, "pipeline.db"));
        await _store.InitializeAsync();
        await _store.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow, "{}"));
        var html = await _store.PutArtifactAsync("<html>category page</html>"u8.ToArray(), "text/html");
        var text = await _store.PutArtifactAsync("category page"u8.ToArray(), "text/plain");
        var shot = await _store.PutArtifactAsync(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(), "image/png");
        var manifest = await _store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"h\":\"{html}\",\"s\":\"{shot}\",\"t\":\"{text}\"}}"), "application/json");
        var now = DateTimeOffset.UtcNow;
        await _store.AddCaptureAsync(new Capture("cap1", "c1", "s", "http://m.example/c/1", "http://m.example/c/1", "http://m.example/c/1", 200, 1, now, now, html, text, shot, manifest));

        // A page that is not a listing is settled once the extractor has looked at it.
        await _store.CompleteExtractionAsync("cap1", null);
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task With_retention_off_nothing_is_purged_or_audited()
    {
        var result = await Sweeper(days: 0, daysLater: 400).SweepOnceAsync(CancellationToken.None);

        Assert.That(result, Is.Null);
        Assert.That(await _store.GetAuditAsync(), Is.Empty);
        Assert.That((await _store.GetCaptureAsync("cap1"))!.PurgedAt, Is.Null);
    }

    [Test]
    public async Task A_capture_younger_than_the_retention_is_kept()
    {
        var result = await Sweeper(days: 30, daysLater: 10).SweepOnceAsync(CancellationToken.None);

        Assert.That(result, Is.EqualTo(new PurgeResult(0, 0)));
        Assert.That((await _store.GetCaptureAsync("cap1"))!.PurgedAt, Is.Null);
    }

    [Test]
    public async Task An_old_settled_capture_is_purged_and_the_purge_is_audited()
    {
        var result = await Sweeper(days: 30, daysLater: 40).SweepOnceAsync(CancellationToken.None);

        Assert.That(result!.CapturesPurged, Is.EqualTo(1));
        Assert.That((await _store.GetCaptureAsync("cap1"))!.PurgedAt, Is.Not.Null);
        var audit = (await _store.GetAuditAsync(actor: RetentionSweeper.Actor)).Single();
        Assert.That(audit.Action, Is.EqualTo("purge-raw-captures"));
        Assert.That(audit.Details, Does.Contain("1 captures"));
    }

    private RetentionSweeper Sweeper(int days, int daysLater) => new(
        _store, Options.Create(new StoreOptions { RawCaptureRetentionDays = days }), new ShiftedClock(TimeSpan.FromDays(daysLater)), NullLogger<RetentionSweeper>.Instance);

    /// <summary>The present, moved on by a fixed span: captures made now look that old.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
