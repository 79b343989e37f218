using System.Text;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Classifier.Tests;

public sealed class ClassifierTests
{
    private const string CrawlId = "crawl-1";
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private string _directory = null!;
    private string _modelPath = null!;
    private SqlitePipelineStore _store = null!;
    private ModelProvider _models = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        // One trained model file for the fixture; each provider below loads it instead of training again.
        _directory = Path.Combine(Path.GetTempPath(), "wtw-classifier-" + Guid.NewGuid().ToString("N"));
        _modelPath = Path.Combine(_directory, "models", "listing-model.zip");
        using var model = ListingModel.Train(TrainingData.LoadDefault(), LexiconMatcher.LoadDefault());
        model.Save(_modelPath);
    }

    [OneTimeTearDown]
    public void DeleteFiles()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [SetUp]
    public async Task SetUp()
    {
        _store = new SqlitePipelineStore(Path.Combine(_directory, $"pipeline-{Guid.NewGuid():N}.db"));
        await _store.InitializeAsync();
        _models = Provider(_modelPath);
    }

    [TearDown]
    public void TearDown()
    {
        _models.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task The_handler_stores_a_score_and_publishes_ListingScored()
    {
        var listing = await AddListingAsync("l-1", "Genuine rhino horn 900g", "African rhino horn, serious buyers only, ships discreetly");
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var handler = new ListingScoringHandler(_models, _store, new FixedTime(Now));

        var scored = await handler.HandleAsync(listing, harness.Bus);

        var stored = (await _store.GetScoredListingsAsync(CrawlId)).Single().Score;
        var published = harness.Published.Select<ListingScored>().Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.Value, Is.EqualTo(scored.Score).Within(1e-9));
            Assert.That(stored.ModelVersion, Is.EqualTo(scored.ModelVersion));
            Assert.That(stored.ScoredAt, Is.EqualTo(Now));
            Assert.That(stored.ProductType, Is.EqualTo("horn"));
            Assert.That(stored.ReasonsJson, Does.Contain("\"kind\":\"term\"").And.Contain("rhino horn"), "the stored score explains itself");
            Assert.That(published, Has.Count.EqualTo(1));
            Assert.That(published[0], Is.EqualTo(scored));
            Assert.That((scored.CorrelationId, scored.CrawlId, scored.ListingId, scored.Url), Is.EqualTo((listing.CorrelationId, CrawlId, "l-1", listing.Url)));
            Assert.That(scored.Score, Is.GreaterThan(0.5));
            Assert.That(scored.SpeciesGroup, Is.EqualTo("rhino"));
        });
    }

    [Test]
    public async Task A_decoy_listing_is_scored_low_and_still_announced()
    {
        var listing = await AddListingAsync("l-2", "Resin rhino figurine 30cm", "Polyresin garden ornament, grey, weatherproof. $45");
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var scored = await new ListingScoringHandler(_models, _store, new FixedTime(Now)).HandleAsync(listing, harness.Bus);

        var announced = await harness.Published.Any<ListingScored>(m => m.Context.Message.ListingId == "l-2");
        Assert.Multiple(() =>
        {
            Assert.That(scored.Score, Is.LessThan(0.5));
            Assert.That(announced, Is.True);
        });
    }

    [Test]
    public async Task Nothing_is_published_when_the_score_cannot_be_stored()
    {
        // No listing row: the store's foreign key refuses the score, so the announcement must not go out.
        var listing = Extracted("missing", "Ivory bangle", "old stock");
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var handler = new ListingScoringHandler(_models, _store, new FixedTime(Now));

        Assert.ThrowsAsync(Is.InstanceOf<SqliteException>(), async () => await handler.HandleAsync(listing, harness.Bus));
        Assert.That(harness.Published.Select<ListingScored>().Any(), Is.False);
    }

    [Test]
    public async Task The_consumer_on_the_bus_scores_an_extracted_listing()
    {
        var listing = await AddListingAsync("l-3", "Pangolin scales 2kg", "dried clean scales, bulk price in DM");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Classifier:ModelPath"] = _modelPath })
            .Build();
        var module = new ClassifierModule();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IPipelineStore>(_store);
        module.ConfigureServices(services, configuration);
        services.AddMassTransitTestHarness(module.ConfigureConsumers);
        await using var provider = services.BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(listing);

        Assert.That(await harness.Published.Any<ListingScored>(m => m.Context.Message.ListingId == "l-3"), Is.True);
        var scored = harness.Published.Select<ListingScored>().Single().Context.Message;
        var stored = (await _store.GetScoredListingsAsync(CrawlId)).Single(s => s.Listing.Id == "l-3").Score;
        Assert.Multiple(() =>
        {
            Assert.That(scored.SpeciesGroup, Is.EqualTo("pangolin"));
            Assert.That(stored?.Value, Is.EqualTo(scored.Score).Within(1e-9));
        });
    }

    [Test]
    public async Task Without_a_model_file_the_provider_trains_saves_and_a_second_provider_loads_it()
    {
        var path = Path.Combine(_directory, $"fresh-{Guid.NewGuid():N}", "model.zip");
        using var first = Provider(path);

        var trained = await first.GetAsync();
        using var second = Provider(path);
        var loaded = await second.GetAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(path), Is.True);
            Assert.That(loaded.Version, Is.EqualTo(trained.Version));
            Assert.That(loaded.Predict("象牙手镯 老料", "包真").Score, Is.EqualTo(trained.Predict("象牙手镯 老料", "包真").Score).Within(1e-6));
        });
    }

    [Test]
    public async Task A_training_file_path_overrides_the_embedded_corpus()
    {
        var corpus = Path.Combine(_directory, $"corpus-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(corpus, TrainingData.LoadDefault().Take(400).Select(d =>
            System.Text.Json.JsonSerializer.Serialize(new { id = d.Id, language = d.Language, title = d.Title, description = d.Description, label = d.Label, productType = d.ProductType })), Encoding.UTF8);
        using var fromFile = Provider(Path.Combine(_directory, $"m-{Guid.NewGuid():N}.zip"), corpus);

        var model = await fromFile.GetAsync();

        Assert.That(model.Version, Is.Not.EqualTo((await _models.GetAsync()).Version));
    }

    private ModelProvider Provider(string modelPath, string? trainingPath = null) =>
        new(Options.Create(new ClassifierOptions { ModelPath = modelPath, TrainingDataPath = trainingPath, ModelDirectory = Path.Combine(_directory, "registry") }),
            LexiconMatcher.LoadDefault(), _store, NullLogger<ModelProvider>.Instance);

    private static ListingExtracted Extracted(string id, string title, string description) =>
        new(Guid.NewGuid(), CrawlId, id, "cap-1", $"https://market.example/item/{id}", title, description, 100m, "USD", "seller", [], []);

    /// <summary>A crawl, a capture and the listing row, as the earlier stages would have left them (foreign keys).</summary>
    private async Task<ListingExtracted> AddListingAsync(string id, string title, string description)
    {
        await _store.CreateCrawlAsync(new Crawl(CrawlId, Now, "[]"));
        var sha = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes("<html></html>"), "text/html");
        await _store.AddCaptureAsync(new Capture("cap-1", CrawlId, "seed", "https://market.example/", "https://market.example/", "https://market.example/", 200, 0, Now, Now, sha, sha, sha, sha));
        var message = Extracted(id, title, description);
        await _store.CompleteExtractionAsync("cap-1", new Listing(id, CrawlId, "cap-1", message.Url, title, description, 100m, "USD", "seller", [], [], Now));
        return message;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
