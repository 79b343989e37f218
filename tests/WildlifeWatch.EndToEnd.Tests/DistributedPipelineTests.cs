using System.Text.Json;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using WildlifeWatch.Contracts;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>The five services as five OS processes over a real RabbitMQ broker, crawling part of the demo marketplace.</summary>
[TestFixture]
[Category("RabbitMq")]
[Category("Chromium")]
[NonParallelizable]
public sealed class DistributedPipelineTests
{
    private static readonly string[] Consumers = ["Fetcher", "Extractor", "Classifier", "Alerts"];
    private readonly List<ChildProcess> _processes = [];
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("wtw-e2e-distributed-").FullName;

    [TearDown]
    public void TearDown()
    {
        foreach (var process in _processes)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
            {
                TestContext.Out.WriteLine($"--- {process.Name} ---\n{process.Tail(40)}");
            }

            process.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Five_service_processes_over_rabbitmq_crawl_part_of_the_demo_marketplace()
    {
        await using var broker = await Broker.AcquireAsync();
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo);
        var db = Path.Combine(_directory, "pipeline.db");
        var seeds = Path.Combine(_directory, "seeds.json");
        await File.WriteAllTextAsync(seeds,
            $$"""{"seeds":[{"id":"demo-part","startUrls":{{JsonSerializer.Serialize(part.StartUrls)}},"maxDepth":{{part.MaxDepth}},"includePatterns":{{part.IncludePatternsJson}}}]}""");
        await DeletePipelineQueuesAsync(broker.Uri);

        var environment = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["RABBITMQ_URI"] = broker.Uri,
            ["Store__SqlitePath"] = db,
            ["Fetcher__PerHostMinDelayMs"] = "0",
            ["Fetcher__MaxConcurrentPages"] = "2",
            ["Classifier__ModelPath"] = Path.Combine(_directory, "model.zip"),
            ["Logging__LogLevel__Default"] = "Information",
            ["Scheduler__SeedsFile"] = seeds,
            ["Scheduler__CrawlId"] = "e2e-distributed",
        };

        // Consumers first: a message published before its queue is bound would have nowhere to go.
        foreach (var service in Consumers)
        {
            _processes.Add(ChildProcess.StartDotnet(service, Repository.ServiceDll("WildlifeWatch." + service), [], environment, _directory));
        }

        await WaitForQueuesAsync(broker.Uri, [QueueNames.FetcherRequests, QueueNames.ExtractorCaptures, QueueNames.ClassifierListings, QueueNames.AlertsScores]);
        _processes.Add(ChildProcess.StartDotnet("Scheduler", Repository.ServiceDll("WildlifeWatch.Scheduler"), [], environment, _directory));

        using var store = new SqlitePipelineStore(db);
        await WaitUntilIdleAsync(store, "e2e-distributed", TimeSpan.FromMinutes(8));

        Assert.That(_processes.Where(p => p.HasExited).Select(p => $"{p.Name} exited {p.ExitCode}"), Is.Empty, "every service is still running");
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, "e2e-distributed", part.Expected);
    }

    private async Task WaitUntilIdleAsync(IPipelineStore store, string crawlId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var idle = 0;
        CrawlProgress? progress = null;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                Assert.Fail($"{dead.Name} exited with {dead.ExitCode}:\n{dead.Tail(60)}");
            }

            if (!File.Exists(Path.Combine(_directory, "pipeline.db")) || await store.GetCrawlAsync(crawlId) is null)
            {
                continue;
            }

            progress = await store.GetProgressAsync(crawlId);
            idle = progress.IsIdle && progress.FrontierDone + progress.FrontierFailed > 0 ? idle + 1 : 0;
            if (idle >= 2)
            {
                return;
            }
        }

        Assert.Fail($"The crawl did not finish within {timeout}: {progress}");
    }

    private static async Task DeletePipelineQueuesAsync(string uri)
    {
        // Leftovers of an earlier, aborted run must not leak into this crawl.
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var queue in QueueNames.All.SelectMany(q => new[] { q, q + "_error", q + "_skipped" }))
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue);
        }
    }

    private async Task WaitForQueuesAsync(string uri, IReadOnlyList<string> queues)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        foreach (var queue in queues)
        {
            while (true)
            {
                if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
                {
                    Assert.Fail($"{dead.Name} exited with {dead.ExitCode} before its queue existed:\n{dead.Tail(60)}");
                }

                try
                {
                    await using var channel = await connection.CreateChannelAsync();
                    var declared = await channel.QueueDeclarePassiveAsync(queue);
                    if (declared.ConsumerCount > 0)
                    {
                        break;
                    }
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    // Not declared yet.
                }

                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"Queue {queue} has no consumer after 2 minutes.");
                }

                await Task.Delay(500);
            }
        }
    }
}
