using System.Diagnostics;
using System.Globalization;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Benchmarks.Bus;
using WildlifeWatch.Hosting;

// The bus: N small messages published (with publisher confirms) and consumed (same prefetch) through MassTransit over
// RabbitMQ as the services configure it, through the raw RabbitMQ.Client 7 (the limit), and through MassTransit's
// in-memory transport, in rounds of one run each (see Runs.MeasureInterleavedAsync). Loopback broker only.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Bus -- [--count N] [--runs N] [--prefetch N] [--in-flight N] [--rabbitmq URI]
var options = BusBenchOptions.Parse(args);
Console.WriteLine($"Bus benchmark: {options.Count:N0} messages per run, prefetch {options.Prefetch}, {options.InFlight} publishes in flight, broker {options.Broker.Host}:{options.Broker.Port}.");

var figures = new List<Figure>();
var tunedName = $"MassTransit over RabbitMQ, tuned ({string.Join(", ", MassTransitBench.Tuned.Select(kv => $"{kv.Key} {kv.Value}"))})";
await using var massTransit = new MassTransitBench(options, inMemory: false, MassTransitBench.Defaults, "default");
await using var massTransitTuned = new MassTransitBench(options, inMemory: false, MassTransitBench.Tuned, "tuned");
await using var massTransitInMemory = new MassTransitBench(options, inMemory: true, MassTransitBench.Defaults, "default");
var measured = await Runs.MeasureInterleavedAsync(1, options.Runs,
[
    ("raw RabbitMQ.Client", run => RawClient.RunAsync(options.ForRun(run), run)),
    ("MassTransit over RabbitMQ", run => massTransit.RunAsync(options.ForRun(run).Count)),
    ("MassTransit over RabbitMQ, tuned", run => massTransitTuned.RunAsync(options.ForRun(run).Count)),
    ("MassTransit in-memory", run => massTransitInMemory.RunAsync(options.ForRun(run).Count)),
]);
var raw = measured[0].ToFigure("bus", "raw RabbitMQ.Client 7 over RabbitMQ", "msg/s");
var massTransitDefault = measured[1].ToFigure("bus", "MassTransit over RabbitMQ, default settings", "msg/s");
var tuned = measured[2].ToFigure("bus", tunedName, "msg/s");
var inMemory = measured[3].ToFigure("bus", "MassTransit in-memory transport", "msg/s");
figures.Add(tuned.Against("raw RabbitMQ.Client 7", raw) with { Target = ">= 0.5" });
figures.Add(massTransitDefault.Against("raw RabbitMQ.Client 7", raw));
figures.Add(raw);
figures.Add(inMemory);
BenchReport.Save("bus", figures);

internal sealed record BusBenchOptions(int Count, int Runs, ushort Prefetch, int InFlight, Uri Broker)
{
    /// <summary>A warm-up (negative run) sends a tenth of the messages: enough to open connections and JIT the paths.</summary>
    public BusBenchOptions ForRun(int run) => run < 0 ? this with { Count = Math.Max(1, Count / 10) } : this;

    public static BusBenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var broker = new Uri(Value("rabbitmq") ?? Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? "amqp://guest:guest@127.0.0.1:5672/");
        // Benchmarks aim at loopback only: never load someone else's broker.
        if (!System.Net.IPAddress.TryParse(broker.Host, out var address) ? broker.Host != "localhost" : !System.Net.IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The bus benchmark runs against a loopback broker only, not {broker.Host}.");
        }

        return new BusBenchOptions(Int("count", 100_000), Int("runs", Environment.GetEnvironmentVariable("BENCH_BUS_RUNS") is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5), (ushort)Int("prefetch", 16), Int("in-flight", 100), broker);
    }
}

internal static class Publishing
{
    /// <summary>Publishes <paramref name="count"/> messages keeping at most <paramref name="inFlight"/> unconfirmed.</summary>
    public static async Task PublishAllAsync(int count, int inFlight, Func<int, Task> publish)
    {
        using var window = new SemaphoreSlim(inFlight);
        var pending = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync();
            var sequence = i;
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await publish(sequence);
                }
                finally
                {
                    window.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
    }

    public static async Task WaitAsync(TaskCompletionSource done, int count, Func<int> received)
    {
        var finished = await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromMinutes(5)));
        if (finished != done.Task)
        {
            throw new TimeoutException($"only {received()} of {count} messages arrived within 5 minutes");
        }
    }
}

internal static class RawClient
{
    public static async Task<double> RunAsync(BusBenchOptions o, int run)
    {
        var queue = $"wtw.bench.raw.{Environment.ProcessId}.{run}";
        var factory = new ConnectionFactory { Uri = o.Broker, ClientProvidedName = "wtw bench raw" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var consumerChannel = await connection.CreateChannelAsync();
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await consumerChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await consumerChannel.BasicQosAsync(0, o.Prefetch, false);
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (sender, delivery) =>
        {
            // Read the message as a consumer would before acknowledging it.
            _ = System.Text.Json.JsonSerializer.Deserialize<BenchPing>(delivery.Body.Span)?.Sequence;
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == o.Count)
            {
                done.TrySetResult();
            }
        };
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var clock = Stopwatch.StartNew();
        await Publishing.PublishAllAsync(o.Count, o.InFlight, async i =>
        {
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new BenchPing(i, "listing scored"));
            await publisher.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);
        });
        await Publishing.WaitAsync(done, o.Count, () => Volatile.Read(ref received));
        var rate = o.Count / clock.Elapsed.TotalSeconds;
        await consumerChannel.QueueDeleteAsync(queue);
        return rate;
    }
}

/// <summary>
/// MassTransit as a service runs it: one bus per configuration, started before the warm-up and kept for every run.
/// A service's bus lives for days, so what it pays once (connections, topology, and the JIT of the pipes it builds for
/// itself, which a new bus compiles again) belongs to no run's messages/s; a bus per run put that cost inside the
/// clock, and a bus's first runs came out up to a third slower than its later ones.
/// </summary>
internal sealed class MassTransitBench(BusBenchOptions o, bool inMemory, IReadOnlyDictionary<string, string?> settings, string name) : IAsyncDisposable
{
    /// <summary>The settings the services ship with.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>();

    /// <summary>
    /// What a busy deployment can set: per-message span bookkeeping (send, receive, consume and stage spans) is most
    /// of MassTransit's extra CPU over the raw client, so only one trace in a hundred is recorded; and the consumer
    /// takes one message at a time, as the raw client's consumer does (its dispatch concurrency is 1), instead of one
    /// task per prefetched message. Retries, confirms, prefetch and durable queues stay as they are.
    /// <c>BENCH_BUS_TUNED</c> (<c>Key=value;Key=value</c>) replaces these settings to try others.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Tuned = Environment.GetEnvironmentVariable("BENCH_BUS_TUNED") is { Length: > 0 } t
        ? t.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : null)
        : new Dictionary<string, string?> { ["Telemetry:TraceSampleRatio"] = "0.01", ["Bus:ConcurrentMessageLimit"] = "1" };

    private readonly Counter _counter = new();
    private readonly string _queue = $"wtw.bench.mt.{Environment.ProcessId}.{(inMemory ? "mem" : "rmq")}.{name}";
    private IHost? _host;
    private ISendEndpoint? _endpoint;

    /// <summary>Sends <paramref name="count"/> messages and waits until the consumer has taken them all: messages/s.</summary>
    public async Task<double> RunAsync(int count)
    {
        var endpoint = _endpoint ?? await StartAsync();
        _counter.Reset(count);
        var clock = Stopwatch.StartNew();
        await Publishing.PublishAllAsync(count, o.InFlight, i => endpoint.Send(new BenchPing(i, "listing scored")));
        await Publishing.WaitAsync(_counter.Done, count, () => _counter.Received);
        return count / clock.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.StopAsync();
        _host.Dispose();
        if (!inMemory)
        {
            var factory = new ConnectionFactory { Uri = o.Broker };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(_queue);
            await channel.ExchangeDeleteAsync(_queue);
        }
    }

    private async Task<ISendEndpoint> StartAsync()
    {
        // The services' own hosting: the same endpoint policy (retry, prefetch, durable queues, confirms).
        var builder = PipelineHost.CreateBuilder([], new Dictionary<string, string?>(settings)
        {
            ["Bus:Transport"] = inMemory ? "InMemory" : "RabbitMq",
            ["Bus:RabbitMqUri"] = o.Broker.AbsoluteUri,
            ["Bus:PrefetchCount"] = o.Prefetch.ToString(CultureInfo.InvariantCulture),
            ["Store:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"wtw-bench-bus-{Environment.ProcessId}.db"),
            ["Logging:LogLevel:Default"] = "Warning",
        }, new BenchModule(_queue, _counter));
        _host = builder.Build();
        await _host.StartAsync();
        _endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{_queue}"));
        return _endpoint;
    }

    /// <summary>Counts one run's messages; reset between runs, when the previous run's have all arrived.</summary>
    public sealed class Counter
    {
        private int _received;
        private int _expected;

        public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Received => Volatile.Read(ref _received);

        public void Reset(int expected)
        {
            Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _expected, expected);
            Volatile.Write(ref _received, 0);
        }

        public void Add()
        {
            if (Interlocked.Increment(ref _received) == Volatile.Read(ref _expected))
            {
                Done.TrySetResult();
            }
        }
    }

    public sealed class CountPing(Counter counter) : IConsumer<BenchPing>
    {
        public Task Consume(ConsumeContext<BenchPing> context)
        {
            counter.Add();
            return Task.CompletedTask;
        }
    }

    private sealed class BenchModule(string queue, Counter counter) : IPipelineModule
    {
        public string Name => "bench";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration) => services.AddSingleton(counter);

        public void ConfigureConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<CountPing>().Endpoint(e => e.Name = queue);
    }
}
