using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Classifier.Tests;

/// <summary>
/// Train, evaluate, register, publish and hot-swap in a running classifier: the real ClassifierModule on the in-memory
/// bus, with listings flowing while the live model changes.
/// </summary>
public sealed class ModelLifecycleTests
{
    private const string CrawlId = "crawl-lifecycle";
    private static readonly DateTimeOffset Now = new(2025, 4, 1, 8, 0, 0, TimeSpan.Zero);

    private string _directory = null!;
    private TemporaryStore _temporary = null!;
    private SqlitePipelineStore _store = null!;
    private ModelRegistry _registry = null!;
    private string _first = null!;
    private string _second = null!;
    private List<(ListingModel Model, EvaluationReport Report)> _trained = null!;

    [OneTimeSetUp]
    public void Train()
    {
        // Train and evaluate once per fixture; each test registers the two in its own store.
        var corpus = TrainingData.LoadDefault();
        _trained = ListingModel.Trainers.Select(trainer =>
        {
            var model = ListingModel.Train(corpus, LexiconMatcher.LoadDefault(), trainer);
            return (model, EvaluationReport.Create(ModelEvaluation.Score(model, corpus)));
        }).ToList();
    }

    [OneTimeTearDown]
    public void DisposeModels() => _trained.ForEach(t => t.Model.Dispose());

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-lifecycle-" + Guid.NewGuid().ToString("N"));
        _temporary = await TemporaryStore.CreateAsync(CrawlId, "wtw-lifecycle");
        _store = _temporary.Store;
        var lexicon = LexiconMatcher.LoadDefault();
        // The registry of "another machine": its cache directory is not the classifier's, so the classifier must load from the store.
        _registry = new ModelRegistry(_store, lexicon, Path.Combine(_directory, "trainer-cache"), TimeProvider.System);
        var corpus = TrainingData.LoadDefault();
        foreach (var (model, report) in _trained)
        {
            await _registry.RegisterAsync(model, report.ToJson(), ModelRegistry.TrainingDataSha256(corpus), corpus.Count);
        }

        (_first, _second) = (_trained[0].Model.Version, _trained[1].Model.Version);

        await _registry.PublishAsync(_first, ModelRoles.Live, "test");
    }

    [TearDown]
    public void TearDown()
    {
        _temporary.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Registered_models_carry_version_metrics_training_data_hash_and_feature_schema()
    {
        var entry = await _store.GetModelAsync(_second);
        using var metrics = JsonDocument.Parse(entry!.MetricsJson);

        Assert.Multiple(() =>
        {
            Assert.That(entry.TrainingDataSha256, Is.EqualTo(ModelRegistry.TrainingDataSha256(TrainingData.LoadDefault())));
            Assert.That(metrics.RootElement.GetProperty("trainer").GetString(), Is.EqualTo("sdca"));
            Assert.That(metrics.RootElement.GetProperty("featureSchema").GetString(), Does.Contain("trainer=sdca"));
            Assert.That(metrics.RootElement.GetProperty("evaluation").GetProperty("overall").GetProperty("f1").GetDouble(), Is.GreaterThan(0.9));
            Assert.That(metrics.RootElement.GetProperty("evaluation").GetProperty("byLanguage").TryGetProperty("vi", out _), Is.True);
        });
    }

    [Test]
    public async Task A_running_classifier_swaps_the_live_model_without_restart_and_loses_no_message()
    {
        await using var provider = await StartClassifierAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        var listings = await AddListingsAsync("before", 150);
        var during = await AddListingsAsync("during", 150);

        await Task.WhenAll(listings.Select(l => harness.Bus.Publish(l)));
        var swap = harness.Bus.Publish(new ModelPublished(Guid.NewGuid(), _second, ModelRoles.Live, "test", Now));
        await Task.WhenAll(during.Select(l => harness.Bus.Publish(l)).Append(swap));
        await WaitUntilScoredAsync(300);
        Assert.That(await harness.Consumed.Any<ModelPublished>(), Is.True);

        // Once the swap is consumed, every new listing is scored by the new model.
        var after = await AddListingsAsync("after", 20);
        await Task.WhenAll(after.Select(l => harness.Bus.Publish(l)));
        await WaitUntilScoredAsync(320);

        var scored = await _store.GetScoredListingsAsync(CrawlId);
        var announced = harness.Published.Select<ListingScored>().Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(scored.Count(s => s.Score is not null), Is.EqualTo(320), "every listing scored");
            Assert.That(announced.Select(m => m.ListingId).Distinct().Count(), Is.EqualTo(320), "every score announced");
            Assert.That(harness.Published.Select<Fault<ListingExtracted>>().Any(), Is.False, "no listing failed during the swap");
            Assert.That(scored.Select(s => s.Score!.ModelVersion).Distinct(), Is.SubsetOf(new[] { _first, _second }));
            Assert.That(scored.Where(s => s.Listing.Id.StartsWith("before", StringComparison.Ordinal)).Select(s => s.Score!.ModelVersion), Has.Some.EqualTo(_first));
            Assert.That(scored.Where(s => s.Listing.Id.StartsWith("after", StringComparison.Ordinal)).Select(s => s.Score!.ModelVersion), Is.All.EqualTo(_second));
            Assert.That(announced.All(m => scored.Single(s => s.Listing.Id == m.ListingId).Score!.ModelVersion == m.ModelVersion), Is.True, "each announcement names the model of its stored score");
        });
    }

    [Test]
    public async Task A_restarted_classifier_loads_the_published_model_from_the_store()
    {
        await _registry.PublishAsync(_second, ModelRoles.Live, "test");
        await using var provider = await StartClassifierAsync();
        var models = provider.GetRequiredService<ModelProvider>();

        var live = await models.GetAsync();

        Assert.That(live.Version, Is.EqualTo(_second));
    }

    [Test]
    public async Task A_shadow_challenger_is_scored_and_stored_apart_but_never_announced()
    {
        await using var provider = await StartClassifierAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        var models = provider.GetRequiredService<ModelProvider>();
        await models.GetAsync();
        var shadow = await _registry.PublishAsync(_second, ModelRoles.Shadow, "test");
        await harness.Bus.Publish(shadow);
        Assert.That(await harness.Consumed.Any<ModelPublished>(), Is.True);
        await WaitForAsync(() => Task.FromResult(models.Shadow?.Version == _second));

        var listings = await AddListingsAsync("shadowed", 30);
        await Task.WhenAll(listings.Select(l => harness.Bus.Publish(l)));
        await WaitUntilScoredAsync(30);
        await WaitForAsync(async () => (await _store.GetShadowScoresAsync(_second)).Count == 30);

        var announced = harness.Published.Select<ListingScored>().Select(m => m.Context.Message).ToList();
        var shadowScores = await _store.GetShadowScoresAsync(_second);
        var comparison = await ShadowComparison.CreateAsync(_store, _second, 0.5);
        Assert.Multiple(() =>
        {
            Assert.That(comparison.Compared, Is.EqualTo(30), "the comparison report pairs every shadow score with the live one");
            Assert.That(comparison.ToText(), Does.Contain(_second).And.Contain("agreement"));
            Assert.That(announced.Select(m => m.ModelVersion).Distinct(), Is.EqualTo(new[] { _first }), "only the live model is announced (and may alert)");
            Assert.That(shadowScores.Select(s => s.ListingId).Order(), Is.EqualTo(listings.Select(l => l.ListingId).Order()));
            Assert.That(shadowScores.All(s => s.ReasonsJson is not null), Is.True);
        });
    }

    private async Task<ServiceProvider> StartClassifierAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Classifier:ModelPath"] = Path.Combine(_directory, "unused-fallback.zip"),
                ["Classifier:ModelDirectory"] = Path.Combine(_directory, "classifier-cache"),
            })
            .Build();
        var module = new ClassifierModule();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IPipelineStore>(_store);
        module.ConfigureServices(services, configuration);
        services.AddMassTransitTestHarness(module.ConfigureConsumers);
        var provider = services.BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    private async Task<List<ListingExtracted>> AddListingsAsync(string prefix, int count)
    {
        var sha = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes("<html></html>"), "text/html");
        var texts = TrainingData.LoadDefault();
        var messages = Enumerable.Range(0, count).Select(i =>
        {
            var text = texts[(i * 7) % texts.Count];
            return new ListingExtracted(Guid.NewGuid(), CrawlId, $"{prefix}-{i}", $"cap-{prefix}-{i}", $"https://market.example/{prefix}/{i}",
                text.Title, text.Description, 10m, "USD", "seller", [], []);
        }).ToList();
        await _store.AddCapturesAsync(messages.Select(m => new Capture(m.CaptureId, CrawlId, "seed", m.Url, m.Url, m.Url, 200, 0, Now, Now, sha, sha, sha, sha)).ToList());
        await _store.AddListingsAsync(messages.Select(m => new Listing(m.ListingId, CrawlId, m.CaptureId, m.Url, m.Title, m.Description, 10m, "USD", "seller", [], [], Now)).ToList());
        return messages;
    }

    private Task WaitUntilScoredAsync(int count) =>
        WaitForAsync(async () => (await _store.GetScoredListingsAsync(CrawlId)).Count(s => s.Score is not null) >= count);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
