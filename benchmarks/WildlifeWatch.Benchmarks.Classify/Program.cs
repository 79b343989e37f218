using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Classifier;
using WildlifeWatch.Classifier.Batch;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

// Listings scored per second: by `pipeline classify` (BatchClassifier over a JSON-lines file) and by the classifier
// service's handler (predict, store the score with its reasons in SQLite, publish ListingScored on an in-memory bus).
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Classify -- [--count 100000] [--service 10000] [--concurrency 4]
var count = Arg("--count", 100_000);
var serviceCount = Arg("--service", 10_000);
var concurrency = Arg("--concurrency", Environment.ProcessorCount);
var directory = Path.Combine(Path.GetTempPath(), "wtw-bench-classify-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    var corpus = TrainingData.LoadDefault();
    var lexicon = LexiconMatcher.LoadDefault();
    var train = Stopwatch.StartNew();
    using var model = ListingModel.Train(corpus, lexicon);
    Console.WriteLine($"Trained {model.Version} on {corpus.Count} listings in {train.Elapsed.TotalSeconds:F1}s; {Environment.ProcessorCount} cores.");

    // Input: corpus listings in rotation, each made unique by a lot number, so every line is a different text.
    var input = Path.Combine(directory, "listings.jsonl");
    await using (var writer = new StreamWriter(input))
    {
        for (var i = 0; i < count; i++)
        {
            var d = corpus[i % corpus.Count];
            await writer.WriteLineAsync(JsonSerializer.Serialize(new { id = $"b{i}", title = $"{d.Title} #{i}", description = d.Description, language = d.Language }));
        }
    }

    var batch = Stopwatch.StartNew();
    BatchResult result;
    using (var reader = new StreamReader(input))
    await using (var output = File.Create(Path.Combine(directory, "scores.jsonl")))
    {
        result = await new BatchClassifier(model, 0.5).ClassifyAsync(reader, output);
    }

    batch.Stop();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"classify: {result.Scored:N0} listings in {batch.Elapsed.TotalSeconds:F1}s = {result.Scored / batch.Elapsed.TotalSeconds:N0} listings/s ({result.Alerts:N0} alerts)"));

    // The service path: the real handler against SQLite and an in-memory bus.
    using var store = new SqlitePipelineStore(Path.Combine(directory, "pipeline.db"));
    await store.InitializeAsync();
    await store.CreateCrawlAsync(new Crawl("bench", DateTimeOffset.UtcNow, "{}"));
    var sha = await store.PutArtifactAsync("<html></html>"u8.ToArray(), "text/html");
    var now = DateTimeOffset.UtcNow;
    var messages = Enumerable.Range(0, serviceCount).Select(i =>
    {
        var d = corpus[i % corpus.Count];
        return new ListingExtracted(Guid.NewGuid(), "bench", $"s{i}", $"cap{i}", $"https://bench.example/{i}", $"{d.Title} #{i}", d.Description, null, null, null, [], []);
    }).ToList();
    await store.AddCapturesAsync(messages.Select(m => new Capture(m.CaptureId, "bench", "seed", m.Url, m.Url, m.Url, 200, 0, now, now, sha, sha, sha, sha)).ToList());
    await store.AddListingsAsync(messages.Select(m => new Listing(m.ListingId, "bench", m.CaptureId, m.Url, m.Title, m.Description, null, null, null, [], [], now)).ToList());

    var services = new ServiceCollection();
    services.AddMassTransit(x =>
    {
        x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
        x.UsingInMemory();
    });
    await using var provider = services.BuildServiceProvider();
    var bus = provider.GetRequiredService<IBusControl>();
    await bus.StartAsync();
    var modelPath = Path.Combine(directory, "model.zip");
    model.Save(modelPath);
    using var models = new ModelProvider(Options.Create(new ClassifierOptions { ModelPath = modelPath, ModelDirectory = directory }), lexicon, store, NullLogger<ModelProvider>.Instance);
    await models.GetAsync();
    var handler = new ListingScoringHandler(models, store, TimeProvider.System);
    var service = Stopwatch.StartNew();
    await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (m, ct) => await handler.HandleAsync(m, bus, ct));
    service.Stop();
    await bus.StopAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"service handler: {serviceCount:N0} listings in {service.Elapsed.TotalSeconds:F1}s = {serviceCount / service.Elapsed.TotalSeconds:N0} listings/s (score + reasons stored in SQLite, ListingScored published; {concurrency} at once)"));
    BenchReport.Save("classify", [
        new Figure("classify", $"pipeline classify, {result.Scored:N0} listings (JSON lines in and out)", Math.Round(result.Scored / batch.Elapsed.TotalSeconds), "listings/s"),
        new Figure("classify", $"classifier handler, {serviceCount:N0} listings (score + reasons in SQLite, ListingScored published, {concurrency} at once)", Math.Round(serviceCount / service.Elapsed.TotalSeconds), "listings/s"),
    ]);
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
