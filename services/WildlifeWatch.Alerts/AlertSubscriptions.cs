using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts;

/// <summary>
/// Investigators' subscriptions on RabbitMQ: a durable queue per subscriber, bound to the alerts topic exchange by the
/// patterns of its filter, so alerts wait there while the subscriber is away.
/// </summary>
public sealed class AlertSubscriptions(IChannel channel)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string QueueName(string name) => QueueNames.SubscriptionPrefix + AlertRouting.Segment(name);

    /// <summary>
    /// Creates the subscription's queue, or reuses it, and binds it by the filter's patterns. Bindings only add: a narrower
    /// filter for an existing name needs <paramref name="replace"/>, which drops the queue (and what waits in it) first.
    /// Returns the queue name and the patterns bound.
    /// </summary>
    public async Task<(string Queue, IReadOnlyList<string> Patterns)> EnsureAsync(string name, AlertFilter filter, bool replace = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var queue = QueueName(name);
        // The same declaration MassTransit makes for a published message type's exchange, so either may come first.
        await channel.ExchangeDeclareAsync(AlertRouting.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        if (replace)
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: ct);
        }

        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        var patterns = AlertRouting.BindingPatterns(filter);
        foreach (var pattern in patterns)
        {
            await channel.QueueBindAsync(queue, AlertRouting.Exchange, pattern, cancellationToken: ct);
        }

        return (queue, patterns);
    }

    /// <summary>
    /// Takes the subscription's alerts one by one, acknowledging each once <paramref name="onAlert"/> has returned, until
    /// <paramref name="max"/> were taken, nothing arrived for <paramref name="idle"/> (when set), or cancellation.
    /// </summary>
    public async Task<int> TailAsync(string name, Func<AlertRaised, Task> onAlert, int? max = null, TimeSpan? idle = null, CancellationToken ct = default) =>
        await TailAsync(name, onAlert, null, max, idle, ct);

    /// <summary>As the other overload; updates of alerts (<see cref="AlertUpdated"/>) go to <paramref name="onUpdate"/> and count as taken.</summary>
    public async Task<int> TailAsync(string name, Func<AlertRaised, Task> onAlert, Func<AlertUpdated, Task>? onUpdate, int? max = null, TimeSpan? idle = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onAlert);
        var queue = QueueName(name);
        var taken = 0;
        var lastSeen = DateTime.UtcNow;
        while (!ct.IsCancellationRequested && (max is null || taken < max))
        {
            var delivery = await channel.BasicGetAsync(queue, autoAck: false, ct);
            if (delivery is null)
            {
                if (idle is { } limit && DateTime.UtcNow - lastSeen > limit)
                {
                    break;
                }

                await Task.Delay(200, ct);
                continue;
            }

            lastSeen = DateTime.UtcNow;
            if (Read(delivery.Body.Span) is { } alert)
            {
                await onAlert(alert);
                taken++;
            }
            else if (onUpdate is not null && ReadUpdate(delivery.Body.Span) is { } update)
            {
                await onUpdate(update);
                taken++;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
        }

        return taken;
    }

    /// <summary>The alert in a MassTransit envelope (<c>{"message": {...}}</c>), or null for anything else (an update included).</summary>
    public static AlertRaised? Read(ReadOnlySpan<byte> body) => ReadMessage<AlertRaised>(body);

    /// <summary>The alert update in a MassTransit envelope, or null for anything else.</summary>
    public static AlertUpdated? ReadUpdate(ReadOnlySpan<byte> body) => ReadMessage<AlertUpdated>(body);

    // Raises and updates share the queue; the envelope's messageType says which one this is (absent: a raise, as before updates existed).
    private static T? ReadMessage<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            using var envelope = JsonDocument.Parse(body.ToArray());
            var root = envelope.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out var message))
            {
                return null;
            }

            var urn = "urn:message:" + typeof(T).Namespace + ":" + typeof(T).Name;
            var typed = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array;
            var isT = typed
                ? types.EnumerateArray().Any(t => t.GetString() == urn)
                : typeof(T) == typeof(AlertRaised);
            return isT ? message.Deserialize<T>(Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
