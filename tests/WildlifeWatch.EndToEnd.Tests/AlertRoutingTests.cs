using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using WildlifeWatch.Alerts;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>Alerts published by the pipeline reach exactly the subscribers whose patterns select them, over a real broker.</summary>
[TestFixture]
[Category("RabbitMq")]
[NonParallelizable]
public sealed class AlertRoutingTests : DistributedPipelineBase
{
    [Test]
    public async Task Two_subscribers_with_different_patterns_receive_exactly_their_alerts()
    {
        await using var acquired = await Broker.AcquireAsync();
        var broker = await IsolateAsync(acquired.Uri);
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var subscriptions = new AlertSubscriptions(channel);
        // The subscriptions exist before the alerts are raised: alerts are not kept for subscribers yet to come.
        await subscriptions.EnsureAsync("elephant-desk", new AlertFilter(AlertSeverity.High, SpeciesGroup: "elephants"));
        var (_, criticalPatterns) = await subscriptions.EnsureAsync("critical-vn", new AlertFilter(AlertSeverity.Critical, Country: "VN"));

        using (var host = PipelineHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = broker,
            ["Store:SqlitePath"] = Path.Combine(Directory, "pipeline.db"),
        }, new AlertsModule()).Build())
        {
            await host.StartAsync();
            var bus = host.Services.GetRequiredService<IBus>();
            await bus.Publish(Alert("a1", AlertSeverity.High, "elephants", "VN", "shop.example"));
            await bus.Publish(Alert("a2", AlertSeverity.Critical, "pangolins", "VN", "market.example:8080"));
            await bus.Publish(Alert("a3", AlertSeverity.Low, "elephants", "VN", "shop.example"));
            await bus.Publish(Alert("a4", AlertSeverity.Critical, "elephants", "TH", "shop.example"));
            await bus.Publish(Alert("a5", AlertSeverity.Critical, "elephants", "VN", "shop.example"));
            await host.StopAsync();
        }

        var elephantDesk = new List<string>();
        await subscriptions.TailAsync("elephant-desk", a =>
        {
            elephantDesk.Add(a.AlertId);
            return Task.CompletedTask;
        }, idle: TimeSpan.FromSeconds(3));

        // The other subscriber through the command an investigator runs; it reuses the existing queue.
        using var cli = ChildProcess.StartDotnet("pipeline", Repository.ServiceDll("Pipeline.Cli", "pipeline"),
            ["alerts", "subscribe", "--name", "critical-vn", "--min-severity", "critical", "--country", "vn", "--rabbitmq", broker, "--idle-seconds", "3"],
            new Dictionary<string, string>(), Directory);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));
        var criticalVn = new[] { "a1", "a2", "a3", "a4", "a5" }.Where(id => cli.Output.Contains($" {id} ", StringComparison.Ordinal)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(elephantDesk, Is.EquivalentTo(new[] { "a1", "a4", "a5" }));
            Assert.That(exit, Is.Zero, cli.Output);
            Assert.That(criticalVn, Is.EquivalentTo(new[] { "a2", "a5" }), cli.Output);
            Assert.That(cli.Output, Does.Contain("2 alert(s) received").And.Contain(string.Join(", ", criticalPatterns)));
        }
    }

    private static AlertRaised Alert(string id, AlertSeverity severity, string species, string country, string platform) =>
        new(Guid.NewGuid(), "c1", id, "listing-" + id, $"http://{platform}/item/{id}", "Listing " + id, 0.9, "m1", severity, species, platform, DateTimeOffset.UtcNow, country);
}
