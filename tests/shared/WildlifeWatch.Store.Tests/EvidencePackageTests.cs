using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Store.Tests;

public sealed class EvidencePackageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
#pragma warning disable NUnit1032 // Disposed in TearDown.
    private TemporaryStore _temporary = null!;
#pragma warning restore NUnit1032

    private SqlitePipelineStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temporary = await TemporaryStore.CreateAsync("c1", "wtw-package");
        _store = _temporary.Store;
        // The listing's page captured twice (a revisit), and an unrelated page that must stay out of the package.
        await AddCaptureAsync("cap-1", "http://shop.example/item/9", T0, "first");
        await AddCaptureAsync("cap-2", "http://shop.example/item/9", T0.AddDays(7), "revisit");
        await AddCaptureAsync("cap-other", "http://shop.example/item/10", T0, "other");
        await _store.CompleteExtractionAsync("cap-1", new Listing("item-9", "c1", "cap-1", "http://shop.example/item/9", "Carved tusk", "Old stock", 900m, "USD", "seller-1", [],
            [new LexiconHit("tusk", "en", "Loxodonta africana", "I", "elephants", "ivory", false, 7, 4)], T0));
        await _store.AddScoreAsync(new Score("item-9", "c1", "m1", 0.93, T0));
        await _store.AddLabelAsync(new Label("item-9", true, "ivory", "analyst-1", T0.AddHours(1)));
    }

    [TearDown]
    public void TearDown() => _temporary.Dispose();

    [Test]
    public async Task A_package_holds_every_capture_of_the_listing_with_hashes_times_and_the_audit_trail_and_verifies()
    {
        await _store.AppendAuditAsync(new AuditEntry("investigator-7", "case-created", "case-42", "Ivory ring", T0.AddHours(2)));
        using var package = new MemoryStream();
        var export = await new EvidencePackage(_store).ExportAsync(["item-9"], package, "investigator-7", "case-42");
        package.Position = 0;
        var check = EvidencePackage.Verify(package);
        var manifest = ReadManifest(package);
        var audit = await _store.GetAuditAsync(subject: "item-9");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.Problems, Is.Empty);
            Assert.That(check.ManifestSha256, Is.EqualTo(export.ManifestSha256));
            Assert.That((export.Listings, export.Captures), Is.EqualTo((1, 2)), "both captures of the page, not the other page's");
            Assert.That(manifest.GetProperty("case").GetString(), Is.EqualTo("case-42"));
            var captures = manifest.GetProperty("listings")[0].GetProperty("captures").EnumerateArray().Select(c => (c.GetProperty("id").GetString(), c.GetProperty("capturedAt").GetDateTimeOffset())).ToList();
            Assert.That(captures, Is.EqualTo(new[] { ("cap-1", T0), ("cap-2", T0.AddDays(7)) }));
            var paths = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
            Assert.That(paths, Does.Contain("listings/item-9/captures/cap-2/screenshot.png").And.Contain("listings/item-9/listing.json").And.Contain("audit.jsonl"));
            Assert.That(ReadEntry(package, "audit.jsonl"), Does.Contain("\"action\":\"label\"").And.Contain("analyst-1"));
            Assert.That(ReadEntry(package, "audit.jsonl"), Does.Contain("\"action\":\"case-created\""), "the case's own trail");
            Assert.That(ReadEntry(package, "listings/item-9/captures/cap-1/capture.warc.gz"), Is.EqualTo("WARC/1.1 first"), "each capture's WARC");
            Assert.That(audit.Select(a => (a.Actor, a.Action)), Does.Contain(("investigator-7", "export")));
            Assert.That(audit.Single(a => a.Action == "export").Details, Does.Contain(export.ManifestSha256).And.Contain("case-42"));
        }
    }

    [Test]
    public async Task Verify_finds_a_changed_byte_a_missing_file_and_a_file_the_manifest_does_not_list()
    {
        using var package = new MemoryStream();
        await new EvidencePackage(_store).ExportAsync(["item-9"], package, "investigator-7");
        const string shot = "listings/item-9/captures/cap-1/screenshot.png";
        const string html = "listings/item-9/captures/cap-2/page.html";

        var tampered = Rewrite(package, zip =>
        {
            var bytes = Encoding.UTF8.GetBytes(ReadEntryFrom(zip, shot));
            zip.GetEntry(shot)!.Delete();
            bytes[3] ^= 0x01;
            using (var s = zip.CreateEntry(shot).Open())
            {
                s.Write(bytes);
            }

            zip.GetEntry(html)!.Delete();
            using var extra = zip.CreateEntry("listings/item-9/note.txt").Open();
            extra.Write("added later"u8);
        });
        var check = EvidencePackage.Verify(tampered);

        Assert.That(check.IsIntact, Is.False);
        Assert.That(check.Problems.Select(p => p.Path), Is.EquivalentTo(new[] { shot, html, "listings/item-9/note.txt" }));
    }

    [Test]
    public async Task Evidence_that_no_longer_matches_its_hash_in_the_store_is_never_packaged()
    {
        var capture = (await _store.GetCaptureAsync("cap-2"))!;
        await using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE artifacts SET content = $c WHERE sha256 = $sha;";
            command.Parameters.AddWithValue("$c", "<html>altered</html>"u8.ToArray());
            command.Parameters.AddWithValue("$sha", capture.HtmlSha256);
            await command.ExecuteNonQueryAsync();
        }

        using var package = new MemoryStream();
        var e = Assert.ThrowsAsync<EvidenceIntegrityException>(() => new EvidencePackage(_store).ExportAsync(["item-9"], package, "investigator-7"));

        Assert.That(e!.Message, Does.Contain("cap-2").And.Contain("page.html"));
        Assert.That((await _store.GetAuditAsync(subject: "item-9")).Select(a => a.Action), Has.No.Member("export"));
    }

    [Test]
    public void An_unknown_listing_is_named_in_the_error()
    {
        using var package = new MemoryStream();
        var e = Assert.ThrowsAsync<KeyNotFoundException>(() => new EvidencePackage(_store).ExportAsync(["nope"], package, "investigator-7"));

        Assert.That(e!.Message, Does.Contain("'nope'"));
    }

    [Test]
    public void A_zip_without_a_manifest_is_not_an_evidence_package()
    {
        using var zipStream = new MemoryStream();
        using (var zip = new ZipArchive(zipStream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("photo.png").Open();
            s.Write("png"u8);
        }

        zipStream.Position = 0;
        var check = EvidencePackage.Verify(zipStream);

        Assert.That(check.Problems.Single().Problem, Does.Contain("not an evidence package"));
    }

    [Test]
    public async Task The_package_of_a_revisit_capture_carries_the_pages_one_alert_and_its_history()
    {
        await _store.CompleteExtractionAsync("cap-2", new Listing("item-9-revisit", "c1", "cap-2", "http://shop.example/item/9", "Carved tusk", "Old stock", 900m, "USD",
            "seller-1", [], [], T0.AddDays(7)));
        await _store.AddScoreAsync(new Score("item-9-revisit", "c1", "m2", 0.99, T0.AddDays(7)));
        var raised = await _store.DecideAlertAsync("item-9", "m1", new Alert("a-9", "item-9", "c1", 0.93, 0.5, "m1", AlertSeverity.High, "elephants", "shop.example", T0));
        await _store.DecideAlertAsync("item-9-revisit", "m2", new Alert("a-9r", "item-9-revisit", "c1", 0.99, 0.5, "m2", AlertSeverity.Critical, "elephants", "shop.example", T0.AddDays(7)));

        using var package = new MemoryStream();
        await new EvidencePackage(_store).ExportAsync(["item-9-revisit"], package, "investigator-7", "case-43");
        using var record = JsonDocument.Parse(ReadEntry(package, "listings/item-9-revisit/listing.json"));

        var alert = record.RootElement.GetProperty("alert");
        Assert.That((alert.GetProperty("id").GetString(), alert.GetProperty("score").GetDouble(), alert.GetProperty("revision").GetInt32()), Is.EqualTo((raised.Alert!.Id, 0.99, 1)));
        Assert.That(record.RootElement.GetProperty("alertHistory").EnumerateArray().Select(h => h.GetProperty("listingId").GetString()),
            Is.EqualTo(new[] { "item-9", "item-9-revisit" }));
    }

    private async Task AddCaptureAsync(string id, string url, DateTimeOffset at, string tag)
    {
        async Task<string> Put(string content, string type) => await _store.PutArtifactAsync(Encoding.UTF8.GetBytes(content), type);
        var html = await Put($"<html>{tag}</html>", "text/html");
        var text = await Put(tag, "text/plain");
        var shot = await Put("PNG" + tag, "image/png");
        var warc = await Put($"WARC/1.1 {tag}", "application/warc");
        var manifest = await Put($"{{\"artifacts\":{{\"warc\":{{\"sha256\":\"{warc}\"}}}},\"html\":\"{html}\",\"screenshot\":\"{shot}\",\"text\":\"{text}\"}}", "application/json");
        await _store.AddCaptureAsync(new Capture(id, "c1", "s", url, url, url, 200, 1, at, at, html, text, shot, manifest));
    }

    private static JsonElement ReadManifest(MemoryStream package) => JsonDocument.Parse(ReadEntry(package, EvidencePackage.ManifestPath)).RootElement.Clone();

    private static string ReadEntry(MemoryStream package, string path)
    {
        package.Position = 0;
        using var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        return ReadEntryFrom(zip, path);
    }

    private static string ReadEntryFrom(ZipArchive zip, string path)
    {
        using var reader = new StreamReader(zip.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }

    private static MemoryStream Rewrite(MemoryStream package, Action<ZipArchive> change)
    {
        var copy = new MemoryStream(package.ToArray());
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            change(zip);
        }

        copy.Position = 0;
        return copy;
    }
}
