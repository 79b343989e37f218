using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Alerts.Email;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Alerts.Tests.Email;

public sealed class EmailSenderTests
{
#pragma warning disable NUnit1032 // Disposed in TearDown.
    private TemporaryStore _temporary = null!;
#pragma warning restore NUnit1032

    [SetUp]
    public async Task SetUp() => _temporary = await TemporaryStore.CreateAsync("c1", "wtw-email");

    [TearDown]
    public void TearDown() => _temporary.Dispose();

    [Test]
    public async Task A_message_reaches_the_smtp_server_with_its_subject_body_and_recipients_and_is_audited()
    {
        await using var server = new LoopbackSmtpServer();
        var sender = Sender(server.Port);

        var sent = await sender.SendAsync("[WTW] High alert", "Carved ivory on shop.example", "<p>html part</p>", ["a@example.org", "b@example.org"], "l1", "email alert a1", CancellationToken.None);

        Assert.That(sent, Is.True);
        Assert.That(server.Messages, Has.Count.EqualTo(1));
        var (recipients, data) = server.Messages[0];
        Assert.That(recipients, Is.EqualTo(new[] { "a@example.org", "b@example.org" }));
        Assert.That(data, Does.Contain("Subject: [WTW] High alert").And.Contain("From: alerts@wtw.test").And.Contain("Carved ivory on shop.example").And.Contain("<p>html part</p>"));
        var audit = await _temporary.Store.GetAuditAsync(subject: "l1");
        Assert.That(audit.Select(a => (a.Action, a.Details)), Is.EqualTo(new[] { (EmailSender.Delivered, "email alert a1 to a@example.org, b@example.org") }));

        Assert.That(await sender.SendAsync("[WTW] High alert", "again", null, ["a@example.org", "b@example.org"], "l1", "email alert a1", CancellationToken.None), Is.True);
        Assert.That(server.Messages, Has.Count.EqualTo(1), "a redelivery does not mail the same alert twice");
    }

    [Test]
    public async Task A_temporary_refusal_is_retried_until_the_message_is_taken()
    {
        await using var server = new LoopbackSmtpServer(refuseFirst: 2);

        var sent = await Sender(server.Port).SendAsync("s", "body", null, ["a@example.org"], "l1", "r", CancellationToken.None);

        Assert.That((sent, server.Messages.Count, server.Sessions), Is.EqualTo((true, 1, 3)));
    }

    [Test]
    public async Task A_permanent_refusal_is_not_retried_and_the_failure_is_audited()
    {
        await using var server = new LoopbackSmtpServer(refuseFirst: 5, refusal: "554 5.7.1 relay denied");

        var sent = await Sender(server.Port).SendAsync("s", "body", null, ["a@example.org"], "l1", "email alert a1", CancellationToken.None);

        Assert.That((sent, server.Messages.Count, server.Sessions), Is.EqualTo((false, 0, 1)));
        var failure = (await _temporary.Store.GetAuditAsync(subject: "l1")).Single();
        Assert.That(failure.Action, Is.EqualTo(EmailSender.Failed));
        Assert.That(failure.Details, Does.StartWith("email alert a1 to a@example.org: ").And.Contain("relay denied"));
    }

    [Test]
    public async Task An_unreachable_server_fails_after_every_attempt_and_is_audited()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var sent = await Sender(closedPort).SendAsync("s", "body", null, ["a@example.org"], "digest:x:2026-11-28", "digest 2026-11-28", CancellationToken.None);

        Assert.That(sent, Is.False);
        Assert.That((await _temporary.Store.GetAuditAsync(subject: "digest:x:2026-11-28")).Single().Action, Is.EqualTo(EmailSender.Failed));
    }

    [Test]
    public void Smtp_settings_are_checked_at_start_up()
    {
        var options = new SmtpOptions { Host = "smtp.example.org", From = "not an address", User = "u", Security = SmtpSecurity.None };
        options.Recipients["ivory"] = "a@example.org, nope";

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.That(errors, Has.Count.EqualTo(4));
        Assert.That(errors, Has.Some.Contains("From").And.Some.Contains("Password").And.Some.Contains("clear text").And.Some.Contains("nope"));
        Assert.That(new SmtpOptions().Validate(new(new SmtpOptions())), Is.Empty, "off without a host");
    }

    [Test]
    public void The_alerts_service_refuses_bad_smtp_or_digest_settings_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Smtp:Host"] = "smtp.example.org",
            ["Alerts:Smtp:From"] = "nobody",
            ["Alerts:Digest:At"] = "7am",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        new AlertsModule().ConfigureServices(services, configuration);
        using var provider = services.BuildServiceProvider();

        var smtp = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SmtpOptions>>().Value);
        var digest = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<DigestOptions>>().Value);

        Assert.That(smtp!.Message, Does.Contain("Alerts:Smtp:From"));
        Assert.That(digest!.Message, Does.Contain("Alerts:Digest:At"));
    }

    internal static SmtpOptions Options(int port) =>
        new() { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, From = "alerts@wtw.test", MaxAttempts = 3, RetryBaseDelayMs = 0, TimeoutMs = 10_000 };

    private EmailSender Sender(int port) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(port)), _temporary.Store, TimeProvider.System, NullLogger<EmailSender>.Instance);
}
