using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Hosting.Tests;

/// <summary>The probes a kubelet calls, over real HTTP on loopback.</summary>
[NonParallelizable]
public sealed class HealthEndpointTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("wtw-health-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Live_and_ready_answer_200_when_the_bus_runs_and_the_store_answers()
    {
        var port = Loopback.FreePort();
        using var host = Build(port, new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" });
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var live = await http.GetAsync(new Uri("health/live", UriKind.Relative));
            var (status, checks) = await WaitForReadyAsync(http, HttpStatusCode.OK);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(checks["store"], Is.EqualTo("Healthy"));
                Assert.That(checks.Where(c => c.Key != "store").Select(c => c.Value), Is.Not.Empty.And.All.EqualTo("Healthy"), "the bus check");
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task Ready_answers_503_while_the_broker_cannot_be_reached_and_live_still_answers_200()
    {
        var port = Loopback.FreePort();
        var closedBrokerPort = Loopback.FreePort();
        using var host = Build(port, new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = $"amqp://guest:guest@127.0.0.1:{closedBrokerPort}/",
        });
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var (status, checks) = await WaitForReadyAsync(http, HttpStatusCode.ServiceUnavailable);
            using var live = await http.GetAsync(new Uri("health/live", UriKind.Relative));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(checks["store"], Is.EqualTo("Healthy"), "the store is fine; the broker is what is missing");
                Assert.That(checks.Where(c => c.Key != "store").Select(c => c.Value), Has.Some.EqualTo("Unhealthy"));
                Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a missing broker is no reason to restart the process");
            }
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stop.Token);
        }
    }

    private IHost Build(int port, Dictionary<string, string?> settings)
    {
        settings["Health:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Store:SqlitePath"] = Path.Combine(_directory, "pipeline.db");
        settings["Host:ShutdownTimeout"] = "00:00:05";
        return PipelineHost.CreateBuilder([], settings, new EmptyModule("health-test")).Build();
    }

    /// <summary>Polls readiness until it gives <paramref name="expected"/> or 30 s pass, returning the last answer.</summary>
    private static async Task<(HttpStatusCode Status, Dictionary<string, string> Checks)> WaitForReadyAsync(HttpClient http, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var checks = body.RootElement.GetProperty("checks").EnumerateObject()
                .ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString()!);
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
            {
                return (response.StatusCode, checks);
            }

            await Task.Delay(250);
        }
    }
}
