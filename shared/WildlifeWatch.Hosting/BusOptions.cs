using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Hosting;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

/// <summary>The type of the RabbitMQ queues a service declares for its receive endpoints.</summary>
public enum BusQueueType
{
    /// <summary>Durable classic queues: what a single broker node needs.</summary>
    Classic,

    /// <summary>Replicated quorum queues for a broker cluster. An existing classic queue must be deleted first: RabbitMQ refuses to change a queue's type.</summary>
    Quorum,
}

/// <summary>Settings of the message bus (section <c>Bus</c>, environment <c>Bus__Transport</c>, ...).</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>amqp://user:pass@host:port/vhost; falls back to the RABBITMQ_URI environment variable.</summary>
    public string? RabbitMqUri { get; set; }

    /// <summary>Messages the broker hands a receive endpoint before they are acknowledged.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Messages a receive endpoint consumes at once; unset means MassTransit's default (the prefetch count).</summary>
    [Range(1, 10_000)]
    public int? ConcurrentMessageLimit { get; set; }

    public BusQueueType QueueType { get; set; } = BusQueueType.Classic;

    /// <summary>Immediate retries of a failing message before it goes to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;
}

public sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConcurrentMessageLimit is { } limit && limit > options.PrefetchCount)
        {
            return ValidateOptionsResult.Fail(
                $"Bus:ConcurrentMessageLimit ({limit}) is above Bus:PrefetchCount ({options.PrefetchCount}): the endpoint could never have that many messages.");
        }

        if (options.Transport != BusTransport.RabbitMq)
        {
            return options.QueueType == BusQueueType.Quorum
                ? ValidateOptionsResult.Fail("Bus:QueueType Quorum needs Bus:Transport RabbitMq.")
                : ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.RabbitMqUri))
        {
            return ValidateOptionsResult.Fail(
                "Bus:Transport is RabbitMq but no broker address is set: set RABBITMQ_URI (for example amqp://guest:guest@127.0.0.1:5672/) or Bus__RabbitMqUri.");
        }

        return Uri.TryCreate(options.RabbitMqUri, UriKind.Absolute, out var uri) && (uri.Scheme is "amqp" or "amqps" or "rabbitmq")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Bus:RabbitMqUri '{options.RabbitMqUri}' is not an amqp:// or amqps:// address.");
    }
}
