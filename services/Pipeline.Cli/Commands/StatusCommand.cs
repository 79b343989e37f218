using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WildlifeWatch.Contracts;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline status</c>: depth, consumers, rates and error-queue size of every pipeline queue, from the RabbitMQ
/// management API when given (with the broker's own publish and deliver rates), else from passive declares over AMQP
/// (depth and consumers; the change per second comes from successive samples). One-shot, or live with <c>--watch</c>.
/// </summary>
internal static class StatusCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "rabbitmq", "management", "watch", "interval" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var uri = ErrorsCommand.BrokerUri(line.String("rabbitmq"), Environment.GetEnvironmentVariable("RABBITMQ_URI"));
        var management = ManagementUri(line.String("management"), Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URI"));
        var interval = TimeSpan.FromSeconds(line.Int("interval", 1, 3600) ?? 5);
        var watch = line.Flag("watch");

        await using var reader = await OpenAsync(uri, management, ct);
        if (reader is null)
        {
            return ExitCodes.Failed;
        }

        var queues = QueueNames.All;
        IReadOnlyDictionary<string, QueueSample>? before = null;
        var clock = Stopwatch.StartNew();
        var sampledAt = TimeSpan.Zero;
        try
        {
            do
            {
                var now = await reader.ReadAsync(QueueStatusTable.QueuesToRead(queues), ct);
                var elapsed = clock.Elapsed - sampledAt;
                sampledAt = clock.Elapsed;
                var table = QueueStatusTable.Render(QueueStatusTable.Build(queues, now, before, elapsed));
                if (watch && !Console.IsOutputRedirected)
                {
                    Console.Clear();
                }

                Console.Write(watch ? $"{DateTimeOffset.Now:HH:mm:ss} every {interval.TotalSeconds:0}s (Ctrl+C stops)\n{table}\n" : table);
                before = now;
                if (watch)
                {
                    await Task.Delay(interval, ct);
                }
            }
            while (watch);
        }
        catch (OperationCanceledException) when (watch && ct.IsCancellationRequested)
        {
            // Ctrl+C is how a watch ends.
        }

        return ExitCodes.Ok;
    }

    /// <summary>--management, else RABBITMQ_MANAGEMENT_URI; null means read over AMQP.</summary>
    public static Uri? ManagementUri(string? option, string? environment)
    {
        var text = string.IsNullOrWhiteSpace(option) ? environment : option;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--management '{text}' is not an http:// or https:// address (for example http://127.0.0.1:15672/).");
    }

    /// <summary>The vhost of an AMQP address: the path, unescaped; "/" when empty.</summary>
    public static string VirtualHost(Uri amqp)
    {
        ArgumentNullException.ThrowIfNull(amqp);
        var path = amqp.AbsolutePath.TrimStart('/');
        return path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
    }

    private static async Task<IAsyncQueueReader?> OpenAsync(Uri amqp, Uri? management, CancellationToken ct)
    {
        if (management is not null)
        {
            return new ManagementApiReader(management, amqp);
        }

        var factory = new ConnectionFactory { Uri = amqp, ClientProvidedName = "pipeline status" };
        try
        {
            return new AmqpQueueReader(await factory.CreateConnectionAsync(ct));
        }
        catch (BrokerUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: cannot reach the broker at {amqp.Host}:{amqp.Port}: {e.InnerException?.Message ?? e.Message}");
            return null;
        }
    }
}

internal interface IAsyncQueueReader : IQueueReader, IAsyncDisposable;

/// <summary>Passive declares, one channel each: declaring a missing queue passively closes the channel it is on.</summary>
internal sealed class AmqpQueueReader(IConnection connection) : IAsyncQueueReader
{
    public async Task<IReadOnlyDictionary<string, QueueSample>> ReadAsync(IReadOnlyList<string> queues, CancellationToken ct)
    {
        var samples = new Dictionary<string, QueueSample>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                var ok = await probe.QueueDeclarePassiveAsync(queue, ct);
                samples[queue] = new QueueSample(queue, ok.MessageCount, ok.ConsumerCount);
            }
            catch (OperationInterruptedException)
            {
                samples[queue] = new QueueSample(queue, null, null);
            }
        }

        return samples;
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

/// <summary>The management plugin's <c>/api/queues/{vhost}</c>, with the credentials of the AMQP address.</summary>
internal sealed class ManagementApiReader : IAsyncQueueReader
{
    private readonly HttpClient _http;
    private readonly string _vhost;

    public ManagementApiReader(Uri management, Uri amqp)
    {
        _http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(10) };
        var credentials = Uri.UnescapeDataString(amqp.UserInfo is { Length: > 0 } info ? info : "guest:guest");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        _vhost = StatusCommand.VirtualHost(amqp);
    }

    public async Task<IReadOnlyDictionary<string, QueueSample>> ReadAsync(IReadOnlyList<string> queues, CancellationToken ct)
    {
        var json = await _http.GetStringAsync(new Uri($"api/queues/{Uri.EscapeDataString(_vhost)}?columns=name,messages,consumers,message_stats", UriKind.Relative), ct);
        var all = QueueStatusTable.ParseManagementQueues(json);
        return queues.ToDictionary(q => q, q => all.TryGetValue(q, out var s) ? s : new QueueSample(q, null, null), StringComparer.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
