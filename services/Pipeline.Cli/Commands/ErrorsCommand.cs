using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WildlifeWatch.Contracts;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline errors</c>: lists the messages in the pipeline's <c>_error</c> queues without consuming them
/// (basic.get, then the unacknowledged messages go back when the channel closes), and with <c>--requeue</c>
/// moves them back to the queue they failed on.
/// </summary>
internal static class ErrorsCommand
{
    public const string ErrorSuffix = "_error";

    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "rabbitmq", "queue", "requeue", "max" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var uri = BrokerUri(line.String("rabbitmq"), Environment.GetEnvironmentVariable("RABBITMQ_URI"));
        var queues = ErrorQueues(line.String("queue"));
        var max = line.Int("max", 1, 100_000) ?? 1000;
        var requeue = line.Flag("requeue");

        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "pipeline errors" };
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(ct);
        }
        catch (BrokerUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: cannot reach the broker at {uri.Host}:{uri.Port}: {e.InnerException?.Message ?? e.Message}");
            return ExitCodes.Failed;
        }

        await using (connection)
        {
            var total = 0;
            foreach (var queue in queues)
            {
                total += requeue ? await RequeueAsync(connection, queue, max, ct) : await ListAsync(connection, queue, max, ct);
            }

            Console.WriteLine(requeue ? $"{total} message(s) moved back to their queues." : $"{total} message(s) in {queues.Count} error queue(s).");
        }

        return ExitCodes.Ok;
    }

    /// <summary>--rabbitmq, else RABBITMQ_URI; an amqp(s) address either way.</summary>
    public static Uri BrokerUri(string? option, string? environment, string verb = "errors")
    {
        var text = string.IsNullOrWhiteSpace(option) ? environment : option;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"'{verb}' needs the broker: pass --rabbitmq amqp://user:pass@host:5672/ or set RABBITMQ_URI.");
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"
            ? uri
            : throw new UsageException($"--rabbitmq '{text}' is not an amqp:// or amqps:// address.");
    }

    /// <summary>Every pipeline error queue, or the one of <paramref name="queue"/> (named with or without <c>_error</c>).</summary>
    public static IReadOnlyList<string> ErrorQueues(string? queue)
    {
        var all = QueueNames.All.Select(q => q + ErrorSuffix).ToList();
        if (queue is null)
        {
            return all;
        }

        var name = queue.EndsWith(ErrorSuffix, StringComparison.Ordinal) ? queue : queue + ErrorSuffix;
        return all.Contains(name, StringComparer.Ordinal)
            ? [name]
            : throw new UsageException($"--queue '{queue}' is not a pipeline queue. Queues: {string.Join(", ", QueueNames.All)}.");
    }

    /// <summary>The queue a message in <paramref name="errorQueue"/> failed on.</summary>
    public static string SourceQueue(string errorQueue) =>
        errorQueue.EndsWith(ErrorSuffix, StringComparison.Ordinal) ? errorQueue[..^ErrorSuffix.Length] : throw new ArgumentException($"'{errorQueue}' is not an error queue.", nameof(errorQueue));

    /// <summary>What an operator needs to see of a failed message: its type, why it failed, when, where.</summary>
    public static FailedMessage Describe(IDictionary<string, object?>? headers, ReadOnlySpan<byte> body)
    {
        string? Header(string name) => headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        } : null;

        string? messageType = null;
        string? messageId = null;
        try
        {
            using var envelope = JsonDocument.Parse(body.ToArray());
            if (envelope.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (envelope.RootElement.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0)
                {
                    messageType = types[0].GetString();
                }

                if (envelope.RootElement.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    messageId = id.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not a MassTransit envelope: the headers still say why it failed.
        }

        return new FailedMessage(
            messageType?.Replace("urn:message:", "", StringComparison.Ordinal) ?? Header("MT-MessageType") ?? "(unknown)",
            messageId ?? Header("MessageId"),
            Header("MT-Fault-ExceptionType"),
            Header("MT-Fault-Message"),
            Header("MT-Fault-Timestamp"),
            Header("MT-Fault-ConsumerType"),
            Header("MT-Reason"));
    }

    private static async Task<int> ListAsync(IConnection connection, string queue, int max, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        if (await MessageCountAsync(connection, queue, ct) is not { } count)
        {
            return 0;
        }

        Console.WriteLine($"{queue}: {count} message(s)");
        var seen = 0;
        // Held unacknowledged while listing, so each message is seen once; nack-requeue puts them all back.
        while (seen < Math.Min(count, (uint)max) && await channel.BasicGetAsync(queue, autoAck: false, ct) is { } delivery)
        {
            seen++;
            var m = Describe(delivery.BasicProperties.Headers, delivery.Body.Span);
            Console.WriteLine($"  {m.MessageType} id={m.MessageId ?? "-"} at={m.FaultTimestamp ?? "-"} consumer={m.ConsumerType ?? "-"}");
            Console.WriteLine($"    {m.ExceptionType ?? m.Reason ?? "(no fault headers)"}: {m.ExceptionMessage}");
        }

        if (seen > 0)
        {
            await channel.BasicNackAsync(0, multiple: true, requeue: true, ct);
        }

        return seen;
    }

    private static async Task<int> RequeueAsync(IConnection connection, string queue, int max, CancellationToken ct)
    {
        if (await MessageCountAsync(connection, queue, ct) is not { } count || count == 0)
        {
            return 0;
        }

        var target = SourceQueue(queue);
        // Confirms: a message leaves the error queue only once the broker holds it in its own queue.
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var moved = 0;
        while (moved < Math.Min(count, (uint)max) && await channel.BasicGetAsync(queue, autoAck: false, ct) is { } delivery)
        {
            var properties = new BasicProperties(delivery.BasicProperties) { Persistent = true };
            await channel.BasicPublishAsync(string.Empty, target, mandatory: true, properties, delivery.Body, ct);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
            moved++;
        }

        Console.WriteLine($"{queue}: {moved} message(s) moved to {target}");
        return moved;
    }

    private static async Task<uint?> MessageCountAsync(IConnection connection, string queue, CancellationToken ct)
    {
        // A passive declare of a missing queue closes its channel: probe on a channel of its own.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await probe.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }
}

internal sealed record FailedMessage(
    string MessageType,
    string? MessageId,
    string? ExceptionType,
    string? ExceptionMessage,
    string? FaultTimestamp,
    string? ConsumerType,
    string? Reason);
