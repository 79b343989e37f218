using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

// Scale-out of the fetcher over RabbitMQ: 1, then 2 fetcher service processes (the real WildlifeWatch.Fetcher, built
// in Release) consume the same FetchRequested queue; this process publishes --pages requests for distinct listing
// pages of the demo marketplace (four loopback hosts) and counts PageCaptured / FetchFailed. Pages/s per replica count.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Scale -- [--pages N] [--runs N]
//        [--replicas 1,2] [--contexts N] [--rabbitmq URI]
var o = ScaleOptions.Parse(args);
var fetcherDll = Path.GetFullPath(Path.Combine("services", "WildlifeWatch.Fetcher", "bin", o.Configuration, "net10.0", "WildlifeWatch.Fetcher.dll"));
if (!File.Exists(fetcherDll))
{
    Console.Error.WriteLine($"Build the fetcher first (make build): {fetcherDll} is missing.");
    return 2;
}

var servers = new List<DemoMarketplaceServer>();
for (var i = 1; i <= 4; i++)
{
    servers.Add(await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Host = $"127.0.0.{i}" }));
}

var directory = Directory.CreateTempSubdirectory("wtw-bench-scale-");
var figures = new List<Figure>();
try
{
    var dbPath = Path.Combine(directory.FullName, "pipeline.db");
    using (var store = new SqlitePipelineStore(dbPath))
    {
        await store.InitializeAsync();
        await store.CreateCrawlAsync(new Crawl("bench-scale", DateTimeOffset.UtcNow, "{}"));
    }

    var listings = servers[0].GroundTruth;
    var offset = 0;
    Uri[] Pages(int count)
    {
        // The query keeps every request distinct (a repeated URL would be answered from its stored capture).
        var pages = Enumerable.Range(offset, count)
            .Select(i => new Uri(servers[i % servers.Count].ListingUrl(listings[i / servers.Count % listings.Count].Id), $"?n={i}"))
            .ToArray();
        offset += count;
        return pages;
    }

    Console.WriteLine($"Scale benchmark: {o.Pages} pages per run, {o.Runs} runs, replicas {string.Join(", ", o.Replicas)}, {o.Contexts} contexts each, broker {o.Broker.Host}; {Environment.ProcessorCount} cores.");
    var counter = new Counter();
    var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
    {
        cfg.Host(o.Broker);
        cfg.ReceiveEndpoint($"wtw.bench.scale.{Environment.ProcessId}", e =>
        {
            e.AutoDelete = true;
            e.Durable = false;
            e.Handler<PageCaptured>(c => counter.Add(c.Message.NormalizedUrl, failed: false));
            e.Handler<FetchFailed>(c => counter.Add(c.Message.NormalizedUrl, failed: true));
        });
    });
    await bus.StartAsync();
    try
    {
        var baseline = (double?)null;
        foreach (var replicas in o.Replicas)
        {
            var processes = Enumerable.Range(0, replicas).Select(_ => StartFetcher(fetcherDll, dbPath, o)).ToList();
            try
            {
                await WaitForConsumersAsync(o.Broker, replicas);
                var measured = await Runs.MeasureAsync(1, o.Runs, async run =>
                {
                    var pages = Pages(run < 0 ? 8 * replicas : o.Pages);
                    var done = counter.Expect(pages.Select(p => p.AbsoluteUri));
                    var clock = Stopwatch.StartNew();
                    foreach (var page in pages)
                    {
                        await bus.Publish(new FetchRequested(Guid.NewGuid(), "bench-scale", "bench", page.AbsoluteUri, page.AbsoluteUri, 1, DateTimeOffset.UtcNow, "browser"));
                    }

                    if (await Task.WhenAny(done, Task.Delay(TimeSpan.FromMinutes(15))) != done)
                    {
                        throw new TimeoutException($"{replicas} fetcher(s) did not finish {pages.Length} pages within 15 minutes");
                    }

                    if (counter.Failed > 0)
                    {
                        Console.Write($"[{counter.Failed} failed] ");
                    }

                    return pages.Length / clock.Elapsed.TotalSeconds;
                }, $"{replicas} fetcher replica(s)");
                var figure = measured.ToFigure("scale", $"fetcher pages/s over RabbitMQ, {replicas} replica(s) x {o.Contexts} contexts", "pages/s");
                figures.Add(baseline is { } one && replicas > 1 ? figure with { Peer = "1 replica", PeerValue = one, Ratio = Math.Round(figure.Value / one, 3) } : figure);
                baseline ??= figure.Value;
            }
            finally
            {
                foreach (var process in processes)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    process.Dispose();
                }
            }
        }
    }
    finally
    {
        await bus.StopAsync();
    }

    BenchReport.Save("scale", figures);
    return 0;
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }

    SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
}

static Process StartFetcher(string dll, string dbPath, ScaleOptions o)
{
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(dll);
    start.Environment["Bus__Transport"] = "RabbitMq";
    start.Environment["Bus__RabbitMqUri"] = o.Broker.AbsoluteUri;
    // Pages take a second or so each: a replica takes no more than it renders at once, so work spreads over replicas.
    start.Environment["Bus__PrefetchCount"] = o.Contexts.ToString(CultureInfo.InvariantCulture);
    start.Environment["Store__SqlitePath"] = dbPath;
    start.Environment["Fetcher__MaxConcurrentPages"] = o.Contexts.ToString(CultureInfo.InvariantCulture);
    start.Environment["Fetcher__PerHostMinDelayMs"] = "0";
    start.Environment["Fetcher__AllowedPrivateNetworks"] = "127.0.0.0/8";
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    var process = Process.Start(start) ?? throw new InvalidOperationException("the fetcher did not start");
    // Drained so a chatty replica never blocks on a full pipe.
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is { Length: > 0 } line)
        {
            Console.Error.WriteLine($"  fetcher {process.Id}: {line}");
        }
    };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForConsumersAsync(Uri broker, int replicas)
{
    var factory = new ConnectionFactory { Uri = broker };
    await using var connection = await factory.CreateConnectionAsync();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromMinutes(3))
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            var queue = await channel.QueueDeclarePassiveAsync(QueueNames.FetcherRequests);
            if (queue.ConsumerCount >= replicas)
            {
                return;
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // Not declared yet: the first replica is still starting.
        }

        await Task.Delay(500);
    }

    throw new TimeoutException($"{replicas} fetcher replica(s) did not connect to {QueueNames.FetcherRequests} within 3 minutes");
}

internal sealed record ScaleOptions(int Pages, int Runs, IReadOnlyList<int> Replicas, int Contexts, Uri Broker, string Configuration)
{
    public static ScaleOptions Parse(string[] args)
    {
        string? Value(string name, string env) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault()
            ?? (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : null);
        int Int(string name, string env, int fallback) => Value(name, env) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var broker = new Uri(Value("rabbitmq", "BENCH_RABBITMQ_URI") ?? Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? "amqp://guest:guest@127.0.0.1:5672/");
        // Benchmarks aim at loopback only: never load someone else's broker.
        if (!(broker.IsLoopback || (System.Net.IPAddress.TryParse(broker.Host, out var a) && System.Net.IPAddress.IsLoopback(a))))
        {
            throw new ArgumentException($"The scale benchmark runs against a loopback broker only, not {broker.Host}.");
        }

        return new ScaleOptions(
            Int("pages", "BENCH_SCALE_PAGES", 100),
            Int("runs", "BENCH_SCALE_RUNS", 3),
            (Value("replicas", "BENCH_SCALE_REPLICAS") ?? "1,2").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList(),
            Int("contexts", "BENCH_SCALE_CONTEXTS", 2),
            broker,
            Environment.GetEnvironmentVariable("CONFIGURATION") is { Length: > 0 } c ? c : "Release");
    }
}

/// <summary>Which of the published pages have been captured or have failed.</summary>
internal sealed class Counter
{
    private readonly object _gate = new();
    private HashSet<string> _pending = [];
    private TaskCompletionSource _done = new();
    private int _failed;

    public int Failed => Volatile.Read(ref _failed);

    public Task Expect(IEnumerable<string> urls)
    {
        lock (_gate)
        {
            _pending = new HashSet<string>(urls, StringComparer.Ordinal);
            _failed = 0;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    public Task Add(string url, bool failed)
    {
        lock (_gate)
        {
            if (_pending.Remove(url))
            {
                _failed += failed ? 1 : 0;
                if (_pending.Count == 0)
                {
                    _done.TrySetResult();
                }
            }
        }

        return Task.CompletedTask;
    }
}
