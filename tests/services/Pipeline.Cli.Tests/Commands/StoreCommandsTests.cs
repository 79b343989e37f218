using Microsoft.Data.Sqlite;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace Pipeline.Cli.Tests.Commands;

/// <summary>The investigators' store verbs as an operator runs them: takedown, provenance and the alert digest, against one SQLite store.</summary>
public sealed class StoreCommandsTests
{
    private static readonly Dictionary<string, IReadOnlySet<string>> Verbs = new(StringComparer.Ordinal)
    {
        ["takedown"] = TakedownCommand.Options,
        [ProvenanceCommand.DeclareVerb] = ProvenanceCommand.DeclareOptions,
        [ProvenanceCommand.ListVerb] = ProvenanceCommand.ListOptions,
        [AlertsCommand.DigestVerb] = AlertsCommand.DigestOptions,
    };

    private string _directory = null!;
    private string _db = null!;
#pragma warning disable NUnit1032 // Disposed in TearDown.
    private ConsoleCapture _console = null!;
#pragma warning restore NUnit1032

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-cli-store-" + Guid.NewGuid().ToString("N"));
        _db = Path.Combine(_directory, "pipeline.db");
        _console = new ConsoleCapture();
        using var store = new SqlitePipelineStore(_db);
        await store.InitializeAsync();
        await store.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow, "{}"));
        var sha = await store.PutArtifactAsync("evidence"u8.ToArray(), "text/plain");
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        const string url = "http://shop.example/item/77";
        await store.AddCaptureAsync(new Capture("cap-1", "c1", "s", url, url, url, 200, 1, at, at, sha, sha, sha, sha));
        await store.CompleteExtractionAsync("cap-1", new Listing("l1", "c1", "cap-1", url, "=HYPERLINK(\"x\")", "d", null, null, null, [],
            [new LexiconHit("pangolin", "en", "Manis spp.", "I", "pangolins", "scales", false, 0, 8)], at));
        await store.AddScoreAsync(new Score("l1", "c1", "m1", 0.91, at));
        await store.RecordListingSeenAsync(url, "s", "c1", at);
        await store.DecideAlertAsync("l1", "m1", new Alert("a1", "l1", "c1", 0.91, 0.5, "m1", AlertSeverity.High, "pangolins", "shop.example", at));
    }

    [TearDown]
    public void TearDown()
    {
        _console.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Takedown_writes_the_platform_report_to_a_file_and_audits_it()
    {
        var csv = Path.Combine(_directory, "takedown.csv");
        var json = Path.Combine(_directory, "takedown.json");

        Assert.That(await RunAsync("takedown", "--platform", "shop.example", "--out", csv, "--db", _db), Is.EqualTo(ExitCodes.Ok));
        Assert.That(await RunAsync("takedown", "--platform", "shop.example", "--format", "json", "--out", json, "--since", "2026-12-01", "--db", _db), Is.EqualTo(ExitCodes.Ok));

        var lines = await File.ReadAllLinesAsync(csv);
        Assert.That(lines[0], Is.EqualTo(TakedownReport.CsvHeader));
        Assert.That(lines[1], Does.StartWith("http://shop.example/item/77,shop.example,77,Manis spp.,I,2026-11-02T09:00:00Z,").And.Contain(",high,0.9100,live,,"));
        Assert.That((await File.ReadAllTextAsync(json)).Trim(), Is.EqualTo("[]"), "nothing alerted since December");
        using var store = new SqlitePipelineStore(_db);
        Assert.That((await store.GetAuditAsync(subject: "platform:shop.example")).Select(a => a.Action), Is.EqualTo(new[] { "report-takedown", "report-takedown" }));
    }

    [Test]
    public void Takedown_refuses_an_unknown_format()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => RunAsync("takedown", "--platform", "shop.example", "--format", "xlsx", "--db", _db));
        Assert.That(e!.Message, Does.Contain("csv or json"));
    }

    [Test]
    public async Task Provenance_declare_stores_a_valid_declaration_and_list_shows_it_for_the_listing()
    {
        var code = await RunAsync(ProvenanceCommand.Normalize(["provenance", "declare", "--owner", "Ana Lima", "--contact", "ana@example.org",
            "--specimen", "Netsuke", "--taxon", "Loxodonta africana", "--method", "imported-with-permit", "--acquired", "1998-04-02",
            "--country", "pt", "--permit", "FR/2024/000123", "--listing", "l1", "--db", _db]));
        var listed = await RunAsync(ProvenanceCommand.Normalize(["provenance", "list", "--listing", "l1", "--db", _db]));

        Assert.That((code, listed), Is.EqualTo((ExitCodes.Ok, ExitCodes.Ok)));
        using var store = new SqlitePipelineStore(_db);
        var stored = (await store.GetProvenanceDeclarationsAsync("l1")).Single();
        Assert.That((stored.AcquisitionMethod, stored.Country, stored.CitesPermitNumber), Is.EqualTo((AcquisitionMethod.ImportedWithPermit, "PT", "FR/2024/000123")));
        Assert.That(_console.Text, Does.Contain("imported-with-permit").And.Contain("permit FR/2024/000123"));
        Assert.That((await store.GetAuditAsync(subject: "l1")).Select(a => a.Action), Is.EqualTo(new[] { "provenance-declare", "provenance-list" }));
    }

    [Test]
    public async Task Provenance_declare_reports_every_bad_field_and_stores_nothing()
    {
        var code = await RunAsync(ProvenanceCommand.Normalize(["provenance", "declare", "--owner", "Ana", "--contact", "nobody", "--specimen", "x",
            "--taxon", "y", "--method", "purchased", "--country", "ZZ", "--permit", "pending", "--listing", "l1,missing", "--db", _db]));

        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(_console.Text, Does.Contain("OwnerContact").And.Contain("Country").And.Contain("CitesPermitNumber").And.Contain("no listing 'missing'"));
        using var store = new SqlitePipelineStore(_db);
        Assert.That(await store.GetProvenanceDeclarationsAsync(), Is.Empty);
    }

    [Test]
    public async Task The_digest_of_a_day_is_printed_per_stored_subscription_and_audited()
    {
        using (var store = new SqlitePipelineStore(_db))
        {
            var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            await store.SaveSubscriptionAsync(new Subscription("pangolins", DigestSubscription.FilterJson(new AlertFilter(SpeciesGroup: "pangolins")), at));
            await store.SaveSubscriptionAsync(new Subscription("critical", DigestSubscription.FilterJson(new AlertFilter(AlertSeverity.Critical)), at));
        }

        var code = await RunAsync(AlertsCommand.Normalize(["alerts", "digest", "--date", "2026-11-02", "--db", _db]));

        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(_console.Text, Does.Contain("pangolins: 1 alert(s) on 2026-11-02").And.Contain("http://shop.example/item/77").And.Contain("critical: 0 alert(s) on 2026-11-02"));
        using var check = new SqlitePipelineStore(_db);
        Assert.That((await check.GetAuditAsync(subject: "digest:*:2026-11-02")).Single().Details, Is.EqualTo("2 subscriptions, 0 sent"));
    }

    [Test]
    public void Sending_the_digest_without_smtp_settings_says_what_to_set()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => RunAsync(AlertsCommand.Normalize(["alerts", "digest", "--send", "--db", _db])));

        Assert.That(e!.Message, Does.Contain("Alerts__Smtp__Host"));
    }

    private static async Task<int> RunAsync(params string[] args)
    {
        var line = CommandLine.Parse(args, Verbs);
        return line.Verb switch
        {
            AlertsCommand.DigestVerb => await AlertsCommand.DigestAsync(line, CancellationToken.None),
            "takedown" => await TakedownCommand.ExecuteAsync(line, CancellationToken.None),
            ProvenanceCommand.DeclareVerb => await ProvenanceCommand.DeclareAsync(line, CancellationToken.None),
            _ => await ProvenanceCommand.ListAsync(line, CancellationToken.None),
        };
    }
}
