using Microsoft.Data.Sqlite;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Store.Tests;

public sealed class EvidenceVerifierTests
{
    private string _directory = null!;
    private SqlitePipelineStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-verify-" + Guid.NewGuid().ToString("N"));
        _store = new SqlitePipelineStore(Path.Combine(_directory, "pipeline.db"));
        await _store.InitializeAsync();
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Intact_evidence_verifies()
    {
        await AddCaptureAsync();

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That((report.CapturesChecked, report.ArtifactsChecked, report.IsIntact), Is.EqualTo((1, 4, true)));
    }

    [Test]
    public async Task A_flipped_byte_in_a_stored_screenshot_is_reported()
    {
        var capture = await AddCaptureAsync();
        await using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE artifacts SET content = $c WHERE sha256 = $sha;";
            var tampered = (await _store.GetArtifactAsync(capture.ScreenshotSha256))!;
            tampered[10] ^= 0x01;
            command.Parameters.AddWithValue("$c", tampered);
            command.Parameters.AddWithValue("$sha", capture.ScreenshotSha256);
            Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.IsIntact, Is.False);
        Assert.That(report.Problems.Single().Artifact, Is.EqualTo("screenshot"));
    }

    [Test]
    public async Task A_manifest_that_does_not_name_the_screenshot_is_reported()
    {
        var capture = await AddCaptureAsync(manifestNamesScreenshot: false);

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.Problems.Select(p => (p.CaptureId, p.Artifact)), Is.EqualTo(new[] { (capture.Id, "manifest") }));
    }

    private async Task<Capture> AddCaptureAsync(bool manifestNamesScreenshot = true)
    {
        await _store.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow, "{}"));
        var html = await _store.PutArtifactAsync("<html><body>x</body></html>"u8.ToArray(), "text/html");
        var text = await _store.PutArtifactAsync("x"u8.ToArray(), "text/plain");
        var shot = await _store.PutArtifactAsync(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(), "image/png");
        var named = manifestNamesScreenshot ? shot : "none";
        var manifest = await _store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"html\":\"{html}\",\"screenshot\":\"{named}\",\"text\":\"{text}\"}}"), "application/json");
        var now = DateTimeOffset.UtcNow;
        var capture = new Capture("cap1", "c1", "seed", "http://a/", "http://a/", "http://a/", 200, 0, now, now, html, text, shot, manifest);
        await _store.AddCaptureAsync(capture);
        return capture;
    }
}
