using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Alerts.Webhooks;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Alerts.Tests.Webhooks;

[NonParallelizable]
public sealed class WebhookDispatcherTests
{
    private const string Secret = "partner-secret-0123456789";
#pragma warning disable NUnit1032 // Disposed in TearDown.
    private TemporaryStore _temporary = null!;
    private Receiver _receiver = null!;
#pragma warning restore NUnit1032

    [SetUp]
    public async Task SetUp()
    {
        _temporary = await TemporaryStore.CreateAsync("c1", "wtw-webhooks");
        _receiver = Receiver.Start();
    }

    [TearDown]
    public void TearDown()
    {
        _receiver.Dispose();
        _temporary.Dispose();
    }

    [Test]
    public async Task A_webhook_that_fails_with_500_twice_gets_the_alert_on_the_third_attempt_signed_and_the_delivery_is_audited()
    {
        _receiver.Statuses.Enqueue(500);
        _receiver.Statuses.Enqueue(500);
        using var dispatcher = Dispatcher(Hook("partner", _receiver.Url));
        var alert = AlertRoutingTests.Alert(AlertSeverity.High, "elephants", "VN", "shop.example");

        await dispatcher.DispatchAsync(alert, CancellationToken.None);

        var requests = _receiver.Requests.ToList();
        Assert.That(requests, Has.Count.EqualTo(3));
        var last = requests[^1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(WebhookSignature.Verify(Secret, last.Timestamp, last.Signature, last.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), Is.True, "the receiver can check the signature");
            Assert.That(WebhookSignature.Verify("another-secret-0123456789", last.Timestamp, last.Signature, last.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), Is.False);
            Assert.That(last.Delivery, Is.EqualTo(alert.AlertId));
            Assert.That(JsonDocument.Parse(last.Body).RootElement.GetProperty("severity").GetString(), Is.EqualTo("High"));
            var audit = await _temporary.Store.GetAuditAsync(subject: alert.ListingId);
            Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { WebhookDispatcher.Delivered }));
        }
    }

    [Test]
    public async Task A_redelivered_alert_is_not_sent_again_to_a_webhook_that_has_it()
    {
        using var dispatcher = Dispatcher(Hook("partner", _receiver.Url));
        var alert = AlertRoutingTests.Alert(AlertSeverity.High, "elephants", "VN", "shop.example");

        await dispatcher.DispatchAsync(alert, CancellationToken.None);
        await dispatcher.DispatchAsync(alert, CancellationToken.None);

        Assert.That(_receiver.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Only_webhooks_whose_filter_the_alert_passes_receive_it()
    {
        var ivoryOnly = Hook("ivory-desk", _receiver.Url);
        ivoryOnly.SpeciesGroup = "elephants";
        ivoryOnly.MinSeverity = AlertSeverity.Critical;
        using var dispatcher = Dispatcher(ivoryOnly);

        await dispatcher.DispatchAsync(AlertRoutingTests.Alert(AlertSeverity.High, "elephants", "VN", "shop.example"), CancellationToken.None);
        await dispatcher.DispatchAsync(AlertRoutingTests.Alert(AlertSeverity.Critical, "pangolins", "VN", "shop.example", "l2"), CancellationToken.None);
        await dispatcher.DispatchAsync(AlertRoutingTests.Alert(AlertSeverity.Critical, "elephants", "VN", "shop.example", "l3"), CancellationToken.None);

        Assert.That(_receiver.Requests.Select(r => r.Delivery), Is.EqualTo(new[] { "a-l3" }));
    }

    [Test]
    public async Task A_webhook_that_keeps_failing_fails_the_message_and_the_failure_is_audited()
    {
        for (var i = 0; i < 10; i++)
        {
            _receiver.Statuses.Enqueue(503);
        }

        using var dispatcher = Dispatcher(Hook("broken", _receiver.Url));
        var alert = AlertRoutingTests.Alert(AlertSeverity.High, "elephants", "VN", "shop.example");

        var e = Assert.ThrowsAsync<WebhookDeliveryException>(() => dispatcher.DispatchAsync(alert, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("broken (HTTP 503)"));
        Assert.That(_receiver.Requests, Has.Count.EqualTo(3), "every attempt was made");
        var audit = await _temporary.Store.GetAuditAsync(subject: alert.ListingId);
        Assert.That(audit.Single().Action, Is.EqualTo(WebhookDispatcher.Failed));
        Assert.That(audit.Single().Details, Does.Contain("HTTP 503"));
    }

    [Test]
    public void Webhooks_bind_from_configuration_and_bad_ones_stop_the_service_with_the_reason()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Webhooks:0:Name"] = "ngo",
            ["Alerts:Webhooks:0:Url"] = "https://ngo.example/hook",
            ["Alerts:Webhooks:0:Secret"] = "short",
            ["Alerts:Webhooks:1:Name"] = "ngo",
            ["Alerts:Webhooks:1:Url"] = "ftp://ngo.example/",
            ["Alerts:Webhooks:1:Secret"] = Secret,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        new AlertsModule().ConfigureServices(services, configuration);
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AlertOptions>>().Value);

        Assert.That(e!.Message, Does.Contain("Webhooks:0:Secret").And.Contain("Webhooks:1:Name").And.Contain("Webhooks:1:Url"));
    }

    private static WebhookOptions Hook(string name, string url) => new() { Name = name, Url = url, Secret = Secret };

    private WebhookDispatcher Dispatcher(params WebhookOptions[] hooks)
    {
        var options = new AlertOptions { WebhookMaxAttempts = 3, WebhookRetryBaseDelayMs = 20, WebhookTimeoutMs = 5_000 };
        foreach (var hook in hooks)
        {
            options.Webhooks.Add(hook);
        }

        return new WebhookDispatcher(Options.Create(options), _temporary.Store, TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
    }

    /// <summary>A partner's endpoint on loopback: answers with the queued statuses (200 when none is left) and keeps every request.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        private Receiver(string url)
        {
            Url = url;
            _listener.Prefixes.Add(url);
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public ConcurrentQueue<int> Statuses { get; } = new();

        public ConcurrentQueue<(string? Timestamp, string? Signature, string? Delivery, byte[] Body)> Requests { get; } = new();

        public static Receiver Start()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new Receiver($"http://127.0.0.1:{port}/hook/");
        }

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The listener was closed under a pending GetContext.
            }
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                Requests.Enqueue((context.Request.Headers[WebhookSignature.TimestampHeader], context.Request.Headers[WebhookSignature.SignatureHeader],
                    context.Request.Headers[WebhookSignature.DeliveryHeader], body.ToArray()));
                context.Response.StatusCode = Statuses.TryDequeue(out var status) ? status : 200;
                context.Response.Close();
            }
        }
    }
}
