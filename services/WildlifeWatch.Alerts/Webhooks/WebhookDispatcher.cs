using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts.Webhooks;

/// <summary>Some webhooks did not take an alert after every attempt; the message goes to the error queue with this.</summary>
public sealed class WebhookDeliveryException(string message) : Exception(message);

/// <summary>
/// Sends an alert to every webhook whose filter it passes, signed, retried with back-off. Each delivery and each final
/// failure is written to the audit log under the listing, which makes failures visible to investigators and lets a
/// redelivered alert skip the receivers that already have it.
/// </summary>
public sealed class WebhookDispatcher : IDisposable
{
    public const string Delivered = "webhook-delivered";
    public const string Failed = "webhook-failed";

    /// <summary>Values of the <see cref="WebhookSignature.EventHeader"/>: what the body is.</summary>
    public const string RaisedEvent = "alert.raised";
    public const string UpdatedEvent = "alert.updated";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(1);

    private readonly AlertOptions _options;
    private readonly IPipelineStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookDispatcher(IOptions<AlertOptions> options, IPipelineStore store, TimeProvider clock, ILogger<WebhookDispatcher> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store;
        _clock = clock;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = BuildPipeline();
    }

    public Task DispatchAsync(AlertRaised alert, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return DispatchAsync(new Delivery(alert.ListingId, alert.AlertId, $"alert {alert.AlertId}", RaisedEvent, h => AlertRouting.Matches(h.Filter, alert)),
            JsonSerializer.SerializeToUtf8Bytes(alert, Json), ct);
    }

    /// <summary>Sends an alert's update to the webhooks its new severity and facts pass, like a raise; each revision is delivered once.</summary>
    public Task DispatchAsync(AlertUpdated update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        return DispatchAsync(new Delivery(update.ListingId, $"{update.AlertId}.{update.Revision}", $"alert {update.AlertId} revision {update.Revision}",
                UpdatedEvent, h => AlertRouting.Matches(h.Filter, update)),
            JsonSerializer.SerializeToUtf8Bytes(update, Json), ct);
    }

    private async Task DispatchAsync(Delivery delivery, byte[] body, CancellationToken ct)
    {
        var hooks = _options.Webhooks.Where(delivery.Wants).ToList();
        if (hooks.Count == 0)
        {
            return;
        }

        var done = (await _store.GetAuditAsync(subject: delivery.ListingId, ct: ct))
            .Where(a => a.Action == Delivered).Select(a => a.Details).ToHashSet(StringComparer.Ordinal);
        var failures = await Task.WhenAll(hooks.Where(h => !done.Contains(Receipt(h, delivery))).Select(h => DeliverAsync(h, delivery, body, ct)));
        var failed = failures.OfType<string>().ToList();
        if (failed.Count > 0)
        {
            throw new WebhookDeliveryException($"{delivery.What} not delivered to: {string.Join("; ", failed)}");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Delivers to one webhook; returns null on success, else what went wrong.</summary>
    private async Task<string?> DeliverAsync(WebhookOptions hook, Delivery delivery, byte[] body, CancellationToken ct)
    {
        string reason;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
                var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(hook.Secret, timestamp, body));
                request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.DeliveryId);
                request.Headers.Add(WebhookSignature.EventHeader, delivery.Event);
                return await _http.SendAsync(request, token);
            }, ct);
            if (response.IsSuccessStatusCode)
            {
                await _store.AppendAuditAsync(new AuditEntry("alerts", Delivered, delivery.ListingId, Receipt(hook, delivery), _clock.GetUtcNow()), ct);
                return null;
            }

            reason = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            reason = e.Message;
        }

        var failure = $"{hook.Name} ({reason})";
        _logger.LogError("Webhook {Webhook} refused {Delivery} after {Attempts} attempts: {Reason}", hook.Name, delivery.What, _options.WebhookMaxAttempts, reason);
        await _store.AppendAuditAsync(new AuditEntry("alerts", Failed, delivery.ListingId, $"{Receipt(hook, delivery)}: {reason}", _clock.GetUtcNow()), ct);
        return failure;
    }

    private static string Receipt(WebhookOptions hook, Delivery delivery) => $"{hook.Name} {delivery.What}";

    /// <summary>One thing to deliver: the listing it is audited under, its delivery id, how receipts name it, its event, and who wants it.</summary>
    private sealed record Delivery(string ListingId, string DeliveryId, string What, string Event, Func<WebhookOptions, bool> Wants);

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        if (_options.WebhookMaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
                MaxRetryAttempts = _options.WebhookMaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(_options.WebhookRetryBaseDelayMs),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _logger.LogWarning("Webhook attempt {Attempt} failed ({Outcome}); retrying in {Delay}",
                        args.AttemptNumber + 1, args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.Message, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder.AddTimeout(TimeSpan.FromMilliseconds(_options.WebhookTimeoutMs)).Build();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) =>
        response?.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero ? (delta > MaxRetryAfter ? MaxRetryAfter : delta) : null;
}
