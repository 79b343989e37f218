using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Alerts.Tests.Email;

public sealed class EmailAlertToSubscribersTests
{
    [Test]
    public async Task Alerts_and_updates_are_mailed_to_the_recipients_of_the_subscriptions_they_match()
    {
        using var temporary = await TemporaryStore.CreateAsync("c1", "wtw-email-alerts");
        await using var server = new LoopbackSmtpServer();
        var now = DateTimeOffset.UtcNow;
        await temporary.Store.SaveSubscriptionAsync(new Subscription("ivory-high", DigestSubscription.FilterJson(new AlertFilter(AlertSeverity.High, "elephants")), now));
        await temporary.Store.SaveSubscriptionAsync(new Subscription("pangolins", DigestSubscription.FilterJson(new AlertFilter(SpeciesGroup: "pangolins")), now));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Smtp:Host"] = "127.0.0.1",
            ["Alerts:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerts:Smtp:Security"] = "None",
            ["Alerts:Smtp:From"] = "alerts@wtw.test",
            ["Alerts:Smtp:RetryBaseDelayMs"] = "0",
            ["Alerts:Smtp:Recipients:ivory-high"] = "desk@example.org, lead@example.org",
            ["Alerts:Smtp:Recipients:pangolins"] = "pangolin-desk@example.org",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IPipelineStore>(temporary.Store);
        new AlertsModule().ConfigureServices(services, configuration);
        services.AddMassTransitTestHarness(bus => new AlertsModule().ConfigureConsumers(bus));
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(new AlertRaised(Guid.NewGuid(), "c1", "a1", "l1", "http://shop.example/item/1", "Carved tusk", 0.9, "m1", AlertSeverity.High, "elephants", "shop.example", now));
        await harness.Bus.Publish(new AlertRaised(Guid.NewGuid(), "c1", "a2", "l2", "http://shop.example/item/2", "Bracelet", 0.6, "m1", AlertSeverity.Low, "elephants", "shop.example", now));
        await harness.Bus.Publish(new AlertUpdated(Guid.NewGuid(), "c1", "a2", "l2", "http://shop.example/item/2", "Bracelet", 0.97, "m2", AlertSeverity.Critical,
            "elephants", "shop.example", now, 1, 0.6, "m1", AlertSeverity.Low, now));
        await harness.InactivityTask;
        await harness.Stop();

        Assert.That(server.Messages.Select(m => string.Join(",", m.Recipients)), Is.EqualTo(new[] { "desk@example.org,lead@example.org", "desk@example.org,lead@example.org" }),
            "the low alert matches no subscription with recipients; its critical update matches ivory-high");
        Assert.That(server.Messages[0].Data, Does.Contain("High alert: elephants on shop.example").And.Contain("Carved tusk"));
        Assert.That(server.Messages[1].Data, Does.Contain("Alert a2 updated (revision 1)"));
        Assert.That((await temporary.Store.GetAuditAsync(subject: "l2")).Select(a => (a.Action, a.Details)),
            Is.EqualTo(new[] { ("email-delivered", "email alert a2 revision 1 to desk@example.org, lead@example.org") }));
    }
}
