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

    /// <summary>
    /// Delays before each redelivery of a message whose immediate retries all failed, separated by ';' (for example
    /// <c>00:00:30;00:02:00;00:10:00</c>): they carry a message through an outage longer than the retries last, and only
    /// then does it go to the error queue. Empty turns redelivery off.
    /// </summary>
    public string RedeliveryIntervals { get; set; } = "00:00:30;00:02:00;00:10:00";

    /// <summary>
    /// The broker has the <c>rabbitmq_delayed_message_exchange</c> plugin, which delayed redelivery needs on RabbitMQ
    /// (Debian's rabbitmq-server does not ship it). Off: RabbitMQ endpoints have immediate retries only.
    /// </summary>
    public bool DelayedExchange { get; set; }

    /// <summary>Whether messages are redelivered later on this transport, given the settings.</summary>
    public bool RedeliversLater => ParseRedeliveryIntervals(RedeliveryIntervals).Length > 0 && (Transport == BusTransport.InMemory || DelayedExchange);

    /// <summary>Reads <see cref="RedeliveryIntervals"/>; throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static TimeSpan[] ParseRedeliveryIntervals(string? text) =>
        (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => TimeSpan.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero && t <= TimeSpan.FromDays(1)
                ? t
                : throw new FormatException($"Bus:RedeliveryIntervals entry '{part}' is not a time span between 00:00:00 and 1.00:00:00 (hh:mm:ss)."))
            .ToArray();
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

        try
        {
            BusOptions.ParseRedeliveryIntervals(options.RedeliveryIntervals);
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
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
