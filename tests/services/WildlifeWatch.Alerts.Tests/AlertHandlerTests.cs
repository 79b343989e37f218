using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Alerts.Tests;

public sealed class AlertHandlerTests
{
    private string _directory = null!;
    private SqlitePipelineStore _store = null!;
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-alerts-" + Guid.NewGuid().ToString("N"));
        _store = new SqlitePipelineStore(Path.Combine(_directory, "pipeline.db"));
        await _store.InitializeAsync();
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IPipelineStore>(_store);
        new AlertsModule().ConfigureServices(services, configuration);
        services.AddMassTransitTestHarness(bus => new AlertsModule().ConfigureConsumers(bus));
        _services = services.BuildServiceProvider(validateScopes: true);
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
        await SeedListingAsync("l1", "http://market.example/item/1");
        await SeedListingAsync("l2", "http://market.example/item/2");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _harness.Stop();
        await _services.DisposeAsync();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task A_score_over_the_threshold_is_stored_then_announced_once_even_when_redelivered()
    {
        var scored = AlertDeciderTests.Scored(0.93);
        await _harness.Bus.Publish(scored);
        await _harness.Bus.Publish(scored);

        Assert.That(await _harness.Consumed.Any<ListingScored>(m => m.Context.Message.CorrelationId == scored.CorrelationId), Is.True);
        await _harness.InactivityTask;
        var raised = _harness.Published.Select<AlertRaised>().Select(m => m.Context.Message).ToList();
        Assert.That(raised, Has.Count.EqualTo(1));
        Assert.That((raised[0].ListingId, raised[0].Title, raised[0].Severity, raised[0].CorrelationId), Is.EqualTo(("l1", "Title of l1", AlertSeverity.High, scored.CorrelationId)));
        Assert.That(await _store.GetAlertsAsync("c1"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_score_under_the_threshold_is_decided_without_an_alert()
    {
        using var scope = _services.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<AlertHandler>();

        var raised = await handler.HandleAsync(AlertDeciderTests.Scored(0.2) with { ListingId = "l2" }, CancellationToken.None);

        Assert.That(raised, Is.False);
        var progress = await _store.GetProgressAsync("c1");
        Assert.That((progress.ScoresPendingAlertDecision, progress.Alerts), Is.EqualTo((1, 0)), "l1 is still undecided, l2 is decided");
    }

    [Test]
    public async Task A_revisit_capture_of_an_alerted_listing_announces_nothing()
    {
        using var scope = _services.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<AlertHandler>();
        await SeedListingAsync("l9", "http://market.example/item/1", crawl: "c2");

        var first = await handler.DecideAsync(AlertDeciderTests.Scored(0.93), CancellationToken.None);
        var revisit = await handler.DecideAsync(AlertDeciderTests.Scored(0.93) with { ListingId = "l9", CrawlId = "c2" }, CancellationToken.None);

        Assert.That((first, revisit), Is.EqualTo((AlertOutcome.Raised, AlertOutcome.Unchanged)));
        Assert.That(_harness.Published.Select<AlertRaised>().Count(), Is.EqualTo(1));
        Assert.That(_harness.Published.Select<AlertUpdated>().Any(), Is.False);
        Assert.That(await _store.GetAlertsAsync("c2"), Is.Empty);
    }

    [Test]
    public async Task A_higher_rescore_by_a_new_model_publishes_an_update_of_the_same_alert()
    {
        using var scope = _services.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<AlertHandler>();
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.99, DateTimeOffset.UtcNow.AddMinutes(1)));

        await handler.DecideAsync(AlertDeciderTests.Scored(0.6), CancellationToken.None);
        var rescore = await handler.DecideAsync(AlertDeciderTests.Scored(0.99) with { ModelVersion = "m2" }, CancellationToken.None);

        Assert.That(rescore, Is.EqualTo(AlertOutcome.Updated));
        var raised = _harness.Published.Select<AlertRaised>().Single().Context.Message;
        var update = _harness.Published.Select<AlertUpdated>().Single().Context.Message;
        Assert.That((update.AlertId, update.Score, update.ModelVersion, update.Severity, update.Revision),
            Is.EqualTo((raised.AlertId, 0.99, "m2", AlertSeverity.Critical, 1)));
        Assert.That((update.PreviousScore, update.PreviousModelVersion, update.PreviousSeverity), Is.EqualTo((0.6, "m1", AlertSeverity.Low)));
        Assert.That(await _store.GetAlertsAsync("c1"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_rescore_under_the_threshold_neither_alerts_nor_updates()
    {
        using var scope = _services.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<AlertHandler>();
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.1, DateTimeOffset.UtcNow.AddMinutes(1)));
        await _store.AddScoreAsync(new Score("l2", "c1", "m2", 0.3, DateTimeOffset.UtcNow.AddMinutes(1)));

        await handler.DecideAsync(AlertDeciderTests.Scored(0.9), CancellationToken.None);
        var lowered = await handler.DecideAsync(AlertDeciderTests.Scored(0.1) with { ModelVersion = "m2" }, CancellationToken.None);
        var quiet = await handler.DecideAsync(AlertDeciderTests.Scored(0.3) with { ListingId = "l2", ModelVersion = "m2" }, CancellationToken.None);

        Assert.That((lowered, quiet), Is.EqualTo((AlertOutcome.None, AlertOutcome.None)));
        Assert.That(_harness.Published.Select<AlertUpdated>().Any(), Is.False);
        Assert.That((await _store.GetAlertsAsync("c1")).Select(a => (a.ListingId, a.Score)), Is.EqualTo(new[] { ("l1", 0.9) }));
    }

    private async Task SeedListingAsync(string id, string url, string crawl = "c1")
    {
        await _store.CreateCrawlAsync(new Crawl(crawl, DateTimeOffset.UtcNow, "{}"));
        var sha = await _store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes(id), "text/plain");
        var now = DateTimeOffset.UtcNow;
        await _store.AddCaptureAsync(new Capture("cap-" + id, crawl, "s", url, url, url, 200, 1, now, now, sha, sha, sha, sha));
        await _store.CompleteExtractionAsync("cap-" + id, new Listing(id, crawl, "cap-" + id, url, "Title of " + id, "d", null, null, null, [], [], now));
        await _store.AddScoreAsync(new Score(id, crawl, "m1", 0.5, now));
    }
}
