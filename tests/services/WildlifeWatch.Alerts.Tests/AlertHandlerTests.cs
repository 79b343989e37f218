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

    private async Task SeedListingAsync(string id, string url)
    {
        await _store.CreateCrawlAsync(new Crawl("c1", DateTimeOffset.UtcNow, "{}"));
        var sha = await _store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes(id), "text/plain");
        var now = DateTimeOffset.UtcNow;
        await _store.AddCaptureAsync(new Capture("cap-" + id, "c1", "s", url, url, url, 200, 1, now, now, sha, sha, sha, sha));
        await _store.CompleteExtractionAsync("cap-" + id, new Listing(id, "c1", "cap-" + id, url, "Title of " + id, "d", null, null, null, [], [], now));
        await _store.AddScoreAsync(new Score(id, "c1", "m1", 0.5, now));
    }
}
