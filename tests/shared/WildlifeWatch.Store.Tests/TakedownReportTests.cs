using System.Text;
using System.Text.Json;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Store.Tests;

public sealed class TakedownReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
#pragma warning disable NUnit1032 // Disposed in TearDown.
    private TemporaryStore _temporary = null!;
#pragma warning restore NUnit1032

    private SqlitePipelineStore _store = null!;
    private string _warcSha = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temporary = await TemporaryStore.CreateAsync("c1", "wtw-takedown");
        _store = _temporary.Store;
        _warcSha = await _store.PutArtifactAsync("WARC/1.1\r\n"u8.ToArray(), "application/warc");
        await AlertedListingAsync("item-9", "http://shop.example/item/9", "Carved tusk", T0, 0.93,
            new LexiconHit("tusk", "en", "Loxodonta africana", "I", "elephants", "ivory", false, 7, 4),
            new LexiconHit("horn", "en", "Rhinocerotidae", "I", "rhinoceroses", "horn", false, 12, 4),
            new LexiconHit("resin", "en", "Loxodonta africana", "II", "elephants", "ivory", true, 0, 5));
        await AlertedListingAsync("item-10", "http://shop.example/p/scales.html?id=%3DHYPERLINK(1)", "Scales", T0.AddDays(2), 0.8,
            new LexiconHit("pangolin", "en", "Manis spp.", "I", "pangolins", "scales", false, 0, 8));
        await AlertedListingAsync("other", "http://elsewhere.example/item/1", "Other", T0, 0.99);
    }

    [TearDown]
    public void TearDown() => _temporary.Dispose();

    [Test]
    public async Task Rows_name_the_listing_its_taxa_appendix_evidence_hashes_and_alert_for_one_platform()
    {
        var rows = await new TakedownReport(_store).BuildAsync("shop.example");

        Assert.That(rows.Select(r => r.ListingUrl), Is.EqualTo(new[] { "http://shop.example/item/9", "http://shop.example/p/scales.html?id=%3DHYPERLINK(1)" }));
        var first = rows[0];
        var capture = (await _store.GetCaptureAsync("cap-item-9"))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((first.Platform, first.PlatformListingId), Is.EqualTo(("shop.example", "9")));
            Assert.That(first.Taxa, Is.EqualTo(new[] { "Loxodonta africana", "Rhinocerotidae" }), "negative hits are not taxa of the offer");
            Assert.That(first.CitesAppendices, Is.EqualTo(new[] { "I" }));
            Assert.That((first.CapturedAt, first.ScreenshotSha256, first.ManifestSha256, first.WarcSha256),
                Is.EqualTo((T0, capture.ScreenshotSha256, capture.ManifestSha256, _warcSha)));
            Assert.That((first.AlertSeverity, first.AlertScore, first.Status, first.RemovedAt), Is.EqualTo(("high", 0.93, TakedownRow.Live, (DateTimeOffset?)null)));
            Assert.That(rows[1].PlatformListingId, Is.EqualTo("=HYPERLINK(1)"));
        }

        Assert.That(await new TakedownReport(_store).BuildAsync("shop.example", since: T0.AddDays(1)), Has.Count.EqualTo(1), "--since keeps later alerts only");
    }

    [Test]
    public async Task The_status_flips_to_removed_with_the_time_to_removal_once_the_revisit_marks_the_listing_removed()
    {
        var report = new TakedownReport(_store);
        var before = (await report.BuildAsync("shop.example"))[0];

        Assert.That(await _store.MarkListingRemovedAsync("http://shop.example/item/9", T0.AddDays(3), "HTTP 410"), Is.True);
        var after = (await report.BuildAsync("shop.example"))[0];

        Assert.That(before.Status, Is.EqualTo(TakedownRow.Live));
        Assert.That((after.Status, after.RemovedAt, after.TimeToRemoval), Is.EqualTo((TakedownRow.Removed, (DateTimeOffset?)T0.AddDays(3), (TimeSpan?)TimeSpan.FromDays(3))));
        var csv = TakedownReport.ToCsv([after]).Split("\r\n");
        Assert.That(csv[1], Does.EndWith(",removed,2026-05-07T10:00:00Z,72.00"));
    }

    [Test]
    public async Task Csv_has_the_header_and_quotes_and_defuses_captured_text_per_rfc_4180()
    {
        var rows = await new TakedownReport(_store).BuildAsync("shop.example");
        var hostile = rows[0] with { ListingUrl = "=cmd|' /C calc'!A0", Taxa = ["Loxodonta, \"africana\"", "@SUM(1)"], PlatformListingId = "-2+3" };

        var lines = TakedownReport.ToCsv([hostile, rows[1]]).Split("\r\n");

        Assert.That(lines[0], Is.EqualTo(TakedownReport.CsvHeader));
        Assert.That(lines[0].Split(','), Has.Length.EqualTo(14));
        Assert.That(lines[1], Does.StartWith("'=cmd|' /C calc'!A0,shop.example,'-2+3,\"Loxodonta, \"\"africana\"\"; @SUM(1)\",I,2026-05-04T10:00:00Z,"));
        Assert.That(lines[2], Does.Contain(",'=HYPERLINK(1),"), "a captured id that looks like a formula is defused");
        Assert.That(lines[^1], Is.Empty, "every record ends with CRLF");
        Assert.That(TakedownReport.CsvCell("line\nbreak"), Is.EqualTo("\"line\nbreak\""));
        Assert.That(TakedownReport.CsvCell("plain"), Is.EqualTo("plain"));
    }

    [Test]
    public async Task Json_rows_carry_the_same_fields()
    {
        await _store.MarkListingRemovedAsync("http://shop.example/item/9", T0.AddHours(36), "HTTP 404");
        var json = TakedownReport.ToJson(await new TakedownReport(_store).BuildAsync("shop.example"));

        using var document = JsonDocument.Parse(json);
        var first = document.RootElement[0];
        Assert.That(document.RootElement.GetArrayLength(), Is.EqualTo(2));
        Assert.That(first.GetProperty("listingUrl").GetString(), Is.EqualTo("http://shop.example/item/9"));
        Assert.That(first.GetProperty("platformListingId").GetString(), Is.EqualTo("9"));
        Assert.That(first.GetProperty("taxa").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "Loxodonta africana", "Rhinocerotidae" }));
        Assert.That(first.GetProperty("citesAppendices")[0].GetString(), Is.EqualTo("I"));
        Assert.That(first.GetProperty("warcSha256").GetString(), Is.EqualTo(_warcSha));
        Assert.That((first.GetProperty("status").GetString(), first.GetProperty("timeToRemovalHours").GetDouble()), Is.EqualTo(("removed", 36.0)));
        Assert.That(document.RootElement[1].GetProperty("removedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("http://shop.example/item/12345", "12345")]
    [TestCase("https://m.example.vn/p/nga-voi-998877.html", "nga-voi-998877")]
    [TestCase("http://shop.example/view?itemId=A77&ref=home", "A77")]
    [TestCase("http://shop.example/about", null)]
    public void The_platform_listing_id_is_read_from_the_url(string url, string? expected) =>
        Assert.That(TakedownReport.PlatformListingId(url), Is.EqualTo(expected));

    private async Task AlertedListingAsync(string id, string url, string title, DateTimeOffset at, double score, params LexiconHit[] hits)
    {
        async Task<string> Put(string content, string type) => await _store.PutArtifactAsync(Encoding.UTF8.GetBytes(content), type);
        var html = await Put($"<html>{id}</html>", "text/html");
        var shot = await Put("PNG" + id, "image/png");
        var manifest = await Put($"{{\"artifacts\":{{\"warc\":{{\"sha256\":\"{_warcSha}\"}}}},\"id\":\"{id}\"}}", "application/json");
        await _store.AddCaptureAsync(new Capture("cap-" + id, "c1", "s", url, url, url, 200, 1, at, at, html, html, shot, manifest));
        await _store.CompleteExtractionAsync("cap-" + id, new Listing(id, "c1", "cap-" + id, url, title, "d", null, null, null, [], hits, at));
        await _store.AddScoreAsync(new Score(id, "c1", "m1", score, at));
        await _store.RecordListingSeenAsync(url, "s", "c1", at);
        var severity = score >= 0.97 ? AlertSeverity.Critical : score >= 0.85 ? AlertSeverity.High : AlertSeverity.Medium;
        await _store.DecideAlertAsync(id, "m1", new Alert("a-" + id, id, "c1", score, 0.5, "m1", severity, "elephants", ListingFacts.Platform(url), at));
    }
}
