using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Hosting;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

/// <summary>Settings of the message bus (section <c>Bus</c>, environment <c>Bus__Transport</c>, ...).</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>amqp://user:pass@host:port/vhost; falls back to the RABBITMQ_URI environment variable.</summary>
    public string? RabbitMqUri { get; set; }

    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Immediate retries of a failing message before it goes to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;
}

internal sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        if (options.Transport != BusTransport.RabbitMq)
        {
            return ValidateOptionsResult.Success;
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
