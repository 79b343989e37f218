using Microsoft.Data.Sqlite;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary><c>pipeline verify</c> and <c>pipeline purge</c> on a store, as an operator runs them.</summary>
public sealed class EvidenceCommandTests
{
    private string _directory = null!;
    private string _db = null!;
    private Capture _capture = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("wtw-evidence-cli-").FullName;
        _db = Path.Combine(_directory, "pipeline.db");
        using var store = new SqlitePipelineStore(_db);
        await store.InitializeAsync();
        await store.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow.AddDays(-60), "{}"));
        var html = await store.PutArtifactAsync("<html><body>home</body></html>"u8.ToArray(), "text/html");
        var text = await store.PutArtifactAsync("home"u8.ToArray(), "text/plain");
        var shot = await store.PutArtifactAsync(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), "image/png");
        var manifest = await store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"html\":\"{html}\",\"screenshot\":\"{shot}\",\"text\":\"{text}\"}}"), "application/json");
        var at = DateTimeOffset.UtcNow.AddDays(-60);
        _capture = new Capture("cap1", "c1", "s", "http://127.0.0.1/", "http://127.0.0.1/", "http://127.0.0.1/", 200, 0, at, at, html, text, shot, manifest);
        await store.AddCaptureAsync(_capture);
        await store.CompleteExtractionAsync("cap1", null);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Verify_passes_intact_evidence_then_finds_one_flipped_screenshot_byte_and_audits_both_checks()
    {
        var (intactExit, intactOutput) = await RunAsync("verify", "--db", _db);
        await FlipByteAsync(_capture.ScreenshotSha256, 100);
        var (tamperedExit, tamperedOutput) = await RunAsync("verify", "--db", _db);

        Assert.That(intactExit, Is.Zero, intactOutput);
        Assert.That(intactOutput, Does.Contain("0 problems"));
        Assert.That(tamperedExit, Is.EqualTo(4), tamperedOutput);
        Assert.That(tamperedOutput, Does.Contain("MISMATCH capture cap1").And.Contain("[screenshot]"));
        using var store = new SqlitePipelineStore(_db);
        var audit = await store.GetAuditAsync(subject: "crawl:c1");
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "verify-evidence", "verify-evidence" }));
        Assert.That(audit[1].Details, Does.Contain("1 problems"));
    }

    [Test]
    public async Task Purge_deletes_old_raw_artifacts_of_captures_without_alerts()
    {
        var (exit, output) = await RunAsync("purge", "--db", _db, "--older-than-days", "30");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("1 non-alerted captures"));
        using var store = new SqlitePipelineStore(_db);
        Assert.That(await store.GetArtifactAsync(_capture.ScreenshotSha256), Is.Null);
        Assert.That((await store.GetAuditAsync(actor: RetentionSweeper.Actor)).Select(a => a.Action), Is.EqualTo(new[] { "purge-raw-captures" }));
    }

    [Test]
    public async Task Purge_without_an_age_is_refused()
    {
        var (exit, output) = await RunAsync("purge", "--db", _db);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain("--older-than-days"));
    }

    [Test]
    public async Task Show_export_and_verify_package_audit_the_view_and_export_and_catch_a_changed_package()
    {
        using (var store = new SqlitePipelineStore(_db))
        {
            var alerted = _capture with { Id = "cap2", Url = "http://127.0.0.1/item/7", NormalizedUrl = "http://127.0.0.1/item/7", FinalUrl = "http://127.0.0.1/item/7" };
            await store.AddCaptureAsync(alerted);
            await store.CompleteExtractionAsync("cap2", new Listing("item-7", "c1", "cap2", alerted.Url, "Rhino horn cup", "Antique", 5000m, "EUR", "s-1", [],
                [new WildlifeWatch.Contracts.V1.LexiconHit("rhino horn", "en", "Rhinocerotidae", "I", "rhinoceroses", "horn", false, 0, 10)], DateTimeOffset.UtcNow));
            await store.AddScoreAsync(new Score("item-7", "c1", "m1", 0.97, DateTimeOffset.UtcNow));
            await store.CompleteAlertDecisionAsync("item-7", "m1", new Alert("a-7", "item-7", "c1", 0.97, 0.5, "m1", WildlifeWatch.Contracts.V1.AlertSeverity.High, "rhinoceroses", "127.0.0.1", DateTimeOffset.UtcNow));
        }

        var package = Path.Combine(_directory, "case.zip");
        var (showExit, shown) = await RunAsync("show", "--db", _db, "--listing", "item-7");
        var (exportExit, exported) = await RunAsync("export", "--db", _db, "--alerted", "--output", package, "--case", "op-horn");
        var (verifyExit, verified) = await RunAsync("verify-package", "--package", package);
        var manifestSha = System.Text.RegularExpressions.Regex.Match(exported, "Manifest SHA-256 ([0-9a-f]{64})").Groups[1].Value;
        using (var zip = System.IO.Compression.ZipFile.Open(package, System.IO.Compression.ZipArchiveMode.Update))
        {
            using var writer = new StreamWriter(zip.GetEntry("listings/item-7/listing.json")!.Open());
            writer.BaseStream.Position = 10;
            writer.Write('X');
        }

        var (tamperedExit, tampered) = await RunAsync("verify-package", "--package", package, "--expect-sha256", manifestSha);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(showExit, Is.Zero, shown);
            Assert.That(shown, Does.Contain("Rhino horn cup").And.Contain(_capture.ScreenshotSha256).And.Contain("CITES App. I"));
            Assert.That(exportExit, Is.Zero, exported);
            Assert.That(manifestSha, Has.Length.EqualTo(64), exported);
            Assert.That(verifyExit, Is.Zero, verified);
            Assert.That(verified, Does.Contain("0 problems"));
            Assert.That(tamperedExit, Is.EqualTo(4), tampered);
            Assert.That(tampered, Does.Contain("MISMATCH listings/item-7/listing.json"));
        }

        using var reopened = new SqlitePipelineStore(_db);
        var audit = await reopened.GetAuditAsync(subject: "item-7");
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "view", "export" }));
        Assert.That(audit[1].Details, Does.Contain(manifestSha).And.Contain("op-horn"));
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var cli = ChildProcess.StartDotnet("pipeline", Repository.ServiceDll("Pipeline.Cli", "pipeline"), args, new Dictionary<string, string>(), _directory);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (exit, cli.Output);
    }

    private async Task FlipByteAsync(string sha256, int index)
    {
        await using var connection = new SqliteConnection($"Data Source={_db};Pooling=False");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT content FROM artifacts WHERE sha256 = $sha;";
        read.Parameters.AddWithValue("$sha", sha256);
        var bytes = (byte[])(await read.ExecuteScalarAsync())!;
        bytes[index] ^= 0x01;
        await using var write = connection.CreateCommand();
        write.CommandText = "UPDATE artifacts SET content = $c WHERE sha256 = $sha;";
        write.Parameters.AddWithValue("$c", bytes);
        write.Parameters.AddWithValue("$sha", sha256);
        Assert.That(await write.ExecuteNonQueryAsync(), Is.EqualTo(1));
    }
}
