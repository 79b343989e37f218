using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildlifeWatch.Alerts;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Classifier;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Extractor;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;

// End to end after the fetch: stored captures announced with PageCaptured go through the extractor, the classifier and
// the alert dispatcher exactly as the services run them (PipelineHost, the real modules, SQLite), on the in-memory bus
// (embedded mode) and over RabbitMQ.
//   throughput: a burst of --count captures; listings/s until the alert stage has consumed every listing's score;
//   latency: --latency captures of wildlife listings published at --rate per second (below the throughput, so the
//            figure is the pipeline's own delay, not a queue's), each timed from its PageCaptured publish to the
//            AlertRaised consumed by a subscriber; p50 and p95.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.EndToEnd -- [--count N] [--latency N]
//        [--rate N] [--runs N] [--transports InMemory,RabbitMq] [--rabbitmq URI]
var o = EndToEndOptions.Parse(args);
var corpus = TrainingData.LoadDefault();
var wildlife = corpus.Where(l => l.Label && !l.Decoy).ToList();
var directory = Directory.CreateTempSubdirectory("wtw-bench-e2e-");
Console.WriteLine($"End-to-end benchmark: bursts of {o.Count} captures, {o.Latency} timed captures at {o.Rate}/s, {o.Runs} runs, transports {string.Join(", ", o.Transports)}; {Environment.ProcessorCount} cores.");
var figures = new List<Figure>();
try
{
    foreach (var transport in o.Transports)
    {
        if (transport == BusTransport.RabbitMq && o.Broker is null)
        {
            Console.WriteLine("  RabbitMQ skipped: set RABBITMQ_URI (make bench-e2e sources .ci/prepare).");
            continue;
        }

        var label = transport == BusTransport.InMemory ? "embedded (in-memory bus + SQLite)" : "over RabbitMQ (+ SQLite)";
        await using var bench = await PipelineUnderTest.StartAsync(transport, o.Broker, directory.FullName);
        var throughput = await Runs.MeasureAsync(1, o.Runs, run => bench.BurstAsync(run < 0 ? Math.Min(o.Count, 100) : o.Count, corpus), $"throughput {label}");
        figures.Add(throughput.ToFigure("e2e", $"listings through extraction, classification and alerting, {label}", "listings/s"));
        var p50s = new List<double>();
        var p95s = new List<double>();
        await bench.PacedAsync(Math.Min(o.Latency, 20), o.Rate, wildlife); // warm-up
        for (var run = 0; run < o.Runs; run++)
        {
            var (p50, p95, alerts) = await bench.PacedAsync(o.Latency, o.Rate, wildlife);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  latency {label}: run {run + 1}/{o.Runs} ... p50 {p50:F0} ms, p95 {p95:F0} ms ({alerts} alerts)"));
            p50s.Add(p50);
            p95s.Add(p95);
        }

        figures.Add(Median(p50s).ToFigure("e2e", $"capture to alert p50, {label}", "ms"));
        figures.Add(Median(p95s).ToFigure("e2e", $"capture to alert p95, {label}", "ms") with
        {
            Target = transport == BusTransport.InMemory ? "< 1000" : null,
        });
        bench.PrintProfile($"the last burst {label}", o.Count);
    }

    BenchReport.Save("e2e", figures);
}
finally
{
    SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
}

static (double Median, double Min, double Max, int Count) Median(List<double> values)
{
    values.Sort();
    var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    return (median, values[0], values[^1], values.Count);
}

internal sealed record EndToEndOptions(int Count, int Latency, double Rate, int Runs, IReadOnlyList<BusTransport> Transports, Uri? Broker)
{
    public static EndToEndOptions Parse(string[] args)
    {
        string? Value(string name, string env) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault()
            ?? (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : null);
        double Number(string name, string env, double fallback) => Value(name, env) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var transports = (Value("transports", "BENCH_E2E_TRANSPORTS") ?? "InMemory,RabbitMq")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => Enum.Parse<BusTransport>(t, ignoreCase: true)).ToList();
        var uri = Value("rabbitmq", "BENCH_RABBITMQ_URI") ?? Environment.GetEnvironmentVariable("RABBITMQ_URI");
        Uri? broker = uri is { Length: > 0 } ? new Uri(uri) : null;
        // Benchmarks aim at loopback only: never load someone else's broker.
        if (broker is not null && !(broker.IsLoopback || (System.Net.IPAddress.TryParse(broker.Host, out var a) && System.Net.IPAddress.IsLoopback(a))))
        {
            throw new ArgumentException($"The end-to-end benchmark runs against a loopback broker only, not {broker.Host}.");
        }

        return new EndToEndOptions(
            (int)Number("count", "BENCH_E2E_COUNT", 2000),
            (int)Number("latency", "BENCH_E2E_LATENCY", 200),
            Number("rate", "BENCH_E2E_RATE", 20),
            (int)Number("runs", "BENCH_E2E_RUNS", 3),
            transports,
            broker);
    }
}

/// <summary>The three stages in one host as the services configure them, with a bench subscriber on the alerts.</summary>
internal sealed class PipelineUnderTest : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IPipelineStore _store;
    private readonly IBus _bus;
    private readonly Probe _probe;
    private readonly SpanProfile _spans = new(PipelineTelemetry.Name);
    private readonly string _crawlId;
    private int _sequence;

    private PipelineUnderTest(IHost host, Probe probe, string crawlId)
    {
        _host = host;
        _probe = probe;
        _crawlId = crawlId;
        _store = host.Services.GetRequiredService<IPipelineStore>();
        _bus = host.Services.GetRequiredService<IBus>();
    }

    public static async Task<PipelineUnderTest> StartAsync(BusTransport transport, Uri? broker, string directory)
    {
        var probe = new Probe();
        var crawlId = $"bench-{transport}-{Guid.NewGuid():N}"[..24];
        var builder = PipelineHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Bus:Transport"] = transport.ToString(),
            ["Bus:RabbitMqUri"] = broker?.AbsoluteUri,
            ["Store:SqlitePath"] = Path.Combine(directory, $"pipeline-{transport}.db"),
            ["Classifier:ModelPath"] = Path.Combine(directory, "models", "listing-model.zip"),
            ["Classifier:ModelDirectory"] = Path.Combine(directory, "models"),
            // The bench pages name images on a host that does not exist; nothing leaves loopback.
            ["Extractor:FetchImages"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }, new ExtractorModule(), new ClassifierModule(), new AlertsModule(), new ProbeModule(probe));
        var host = builder.Build();
        await host.StartAsync();
        var bench = new PipelineUnderTest(host, probe, crawlId);
        await bench._store.CreateCrawlAsync(new Crawl(crawlId, DateTimeOffset.UtcNow, "{}"));
        return bench;
    }

    /// <summary>Publishes <paramref name="count"/> captures at once; listings/s until the alert stage consumed each score.</summary>
    public async Task<double> BurstAsync(int count, IReadOnlyList<LabeledListing> corpus)
    {
        var captures = await StoreCapturesAsync(count, corpus);
        var done = _probe.Expect(captures.Select(c => c.Url));
        _spans.Reset();
        var clock = Stopwatch.StartNew();
        foreach (var capture in captures)
        {
            await _bus.Publish(capture);
        }

        await WaitAsync(done, count);
        var rate = count / clock.Elapsed.TotalSeconds;
        _spans.Freeze();
        return rate;
    }

    /// <summary>Publishes captures at a steady rate and times each from its publish to its AlertRaised.</summary>
    public async Task<(double P50, double P95, int Alerts)> PacedAsync(int count, double rate, IReadOnlyList<LabeledListing> wildlife)
    {
        var captures = await StoreCapturesAsync(count, wildlife);
        var done = _probe.Expect(captures.Select(c => c.Url));
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < captures.Count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            _probe.Published(captures[i].Url);
            await _bus.Publish(captures[i]);
        }

        await WaitAsync(done, count);
        var latencies = _probe.TakeLatencies(captures.Select(c => c.Url));
        if (latencies.Count == 0)
        {
            throw new InvalidOperationException("No wildlife listing raised an alert: the latency cannot be measured.");
        }

        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return (P(0.5), P(0.95), latencies.Count);
    }

    public void PrintProfile(string label, int listings) => _spans.Print(label, listings, "listing");

    private static async Task WaitAsync(Task done, int count)
    {
        if (await Task.WhenAny(done, Task.Delay(TimeSpan.FromMinutes(5))) != done)
        {
            throw new TimeoutException($"the pipeline did not finish {count} listings within 5 minutes");
        }
    }

    // Captures as the fetcher leaves them: HTML, text, screenshot and manifest stored, the row written.
    private async Task<List<PageCaptured>> StoreCapturesAsync(int count, IReadOnlyList<LabeledListing> listings)
    {
        var now = DateTimeOffset.UtcNow;
        var shot = await _store.PutArtifactAsync(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png");
        var manifest = await _store.PutArtifactAsync("{}"u8.ToArray(), "application/json");
        var rows = new List<Capture>(count);
        var messages = new List<PageCaptured>(count);
        for (var i = 0; i < count; i++)
        {
            var n = Interlocked.Increment(ref _sequence);
            var listing = listings[n % listings.Count];
            var url = $"https://market{n % 7}.example/item/{n}";
            var html = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes(ListingPages.Html($"{listing.Title} #{n}", listing.Description, n)), "text/html; charset=utf-8");
            var text = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes($"{listing.Title} #{n}\n{listing.Description}"), "text/plain; charset=utf-8");
            var id = $"cap-{_crawlId}-{n}";
            rows.Add(new Capture(id, _crawlId, "bench", url, url, url, 200, 1, now, now, html, text, shot, manifest));
            messages.Add(new PageCaptured(Guid.NewGuid(), _crawlId, "bench", id, url, url, url, 200, 1, now, now, html, text, shot, manifest));
        }

        await _store.AddCapturesAsync(rows);
        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _spans.Dispose();
    }

    /// <summary>Sees every score the alert stage consumed and every alert raised, by listing URL.</summary>
    internal sealed class Probe
    {
        private readonly ConcurrentDictionary<string, long> _published = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, double> _latencies = new(StringComparer.Ordinal);
        private ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);
        private TaskCompletionSource _done = new();

        public Task Expect(IEnumerable<string> urls)
        {
            _pending = new ConcurrentDictionary<string, bool>(urls.Select(u => KeyValuePair.Create(u, true)), StringComparer.Ordinal);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }

        public void Published(string url) => _published[url] = Stopwatch.GetTimestamp();

        public void ScoreHandled(string url)
        {
            if (_pending.TryRemove(url, out _) && _pending.IsEmpty)
            {
                _done.TrySetResult();
            }
        }

        public void AlertConsumed(string url)
        {
            if (_published.TryRemove(url, out var at))
            {
                _latencies[url] = Stopwatch.GetElapsedTime(at).TotalMilliseconds;
            }
        }

        public List<double> TakeLatencies(IEnumerable<string> urls) =>
            urls.Select(u => _latencies.TryRemove(u, out var ms) ? ms : (double?)null).OfType<double>().ToList();
    }

    /// <summary>An alert subscriber, as an investigator's queue would be.</summary>
    internal sealed class TimeAlert(Probe probe) : IConsumer<AlertRaised>
    {
        public Task Consume(ConsumeContext<AlertRaised> context)
        {
            probe.AlertConsumed(context.Message.Url);
            return Task.CompletedTask;
        }
    }

    /// <summary>On RabbitMQ alerts leave by a topic exchange: the subscriber binds to every routing key, as a subscription for all alerts would.</summary>
    internal sealed class TimeAlertDefinition : ConsumerDefinition<TimeAlert>
    {
        public TimeAlertDefinition() => EndpointName = "wtw.bench.alert-subscriber";

        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TimeAlert> consumerConfigurator, IRegistrationContext context)
        {
            if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.AutoDelete = true;
                rabbit.Durable = false;
                rabbit.ConfigureConsumeTopology = false;
                rabbit.Bind(WildlifeWatch.Contracts.AlertRouting.Exchange, b =>
                {
                    b.ExchangeType = RabbitMQ.Client.ExchangeType.Topic;
                    b.RoutingKey = "#";
                });
            }
        }
    }

    /// <summary>Marks a listing done once the alert stage's consumer finished with its score, alert or not.</summary>
    internal sealed class AlertStageObserver(Probe probe) : IConsumeObserver
    {
        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.Message is ListingScored scored && context.ReceiveContext.InputAddress.AbsolutePath.EndsWith(WildlifeWatch.Contracts.QueueNames.AlertsScores, StringComparison.Ordinal))
            {
                probe.ScoreHandled(scored.Url);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    private sealed class ProbeModule(Probe probe) : IPipelineModule
    {
        public string Name => "bench";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
        {
            services.AddSingleton(probe);
            // The bench publishes as soon as the host has started. Publishers declare the stages' queues, but not the
            // probe's own alert queue: on a freshly emptied vhost an alert raised before that queue is bound is
            // dropped, and the run would wait for alerts that can never arrive. Hence start only with every endpoint up.
            services.Configure<MassTransitHostOptions>(o =>
            {
                o.WaitUntilStarted = true;
                o.StartTimeout = TimeSpan.FromMinutes(1);
            });
        }

        public void ConfigureConsumers(IBusRegistrationConfigurator bus)
        {
            bus.AddConsumer<TimeAlert, TimeAlertDefinition>();
            bus.AddConsumeObserver<AlertStageObserver>();
        }
    }
}
