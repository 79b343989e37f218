using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using WildlifeWatch.Contracts;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Store;

namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The five services as OS processes over a real broker, crawling part of the demo marketplace served in the
/// test process: start, stop, kill and restart them, and wait for the crawl to finish.
/// </summary>
public abstract class DistributedPipelineBase
{
    protected static readonly string[] Consumers = ["Fetcher", "Extractor", "Classifier", "Alerts"];
    private readonly List<ChildProcess> _processes = [];

    protected string Directory { get; private set; } = null!;

    protected string DatabasePath => Path.Combine(Directory, "pipeline.db");

    protected Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    private string? _virtualHost;

    [SetUp]
    public void CreateDirectory() => Directory = System.IO.Directory.CreateTempSubdirectory("wtw-e2e-distributed-").FullName;

    /// <summary>
    /// A virtual host of this test's own on a local broker: the queue names are fixed (QueueNames), so two test runs
    /// on one broker would otherwise consume each other's messages. A Testcontainers broker is private already.
    /// </summary>
    protected async Task<string> IsolateAsync(string brokerUri)
    {
        if (RabbitMqCtl.Path is null)
        {
            return brokerUri;
        }

        _virtualHost = "wtw-e2e-" + Guid.NewGuid().ToString("N")[..8];
        var uri = new Uri(brokerUri);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        await RabbitMqCtl.RunAsync("add_vhost", _virtualHost);
        await RabbitMqCtl.RunAsync("set_permissions", "-p", _virtualHost, user, ".*", ".*", ".*");
        return new UriBuilder(uri) { Path = "/" + _virtualHost }.Uri.AbsoluteUri;
    }

    [TearDown]
    public void StopProcesses()
    {
        foreach (var process in _processes)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
            {
                TestContext.Out.WriteLine($"--- {process.Name} ---\n{process.Tail(40)}");
            }

            process.Dispose();
        }

        _processes.Clear();
        if (_virtualHost is not null)
        {
            RabbitMqCtl.RunAsync("delete_vhost", _virtualHost).GetAwaiter().GetResult();
            _virtualHost = null;
        }

        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Writes the seeds of <paramref name="part"/> and the settings every service shares.</summary>
    protected async Task ConfigureAsync(string brokerUri, DemoPart part, string crawlId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var seeds = Path.Combine(Directory, "seeds.json");
        await File.WriteAllTextAsync(seeds,
            $$"""{"seeds":[{"id":"demo-part","startUrls":{{JsonSerializer.Serialize(part.StartUrls)}},"maxDepth":{{part.MaxDepth}},"includePatterns":{{part.IncludePatternsJson}}}]}""");
        Environment["Bus__Transport"] = "RabbitMq";
        Environment["RABBITMQ_URI"] = brokerUri;
        Environment["Store__SqlitePath"] = DatabasePath;
        Environment["Fetcher__PerHostMinDelayMs"] = "0";
        Environment["Fetcher__MaxConcurrentPages"] = "2";
        Environment["Fetcher__AllowedPrivateNetworks"] = "127.0.0.0/8";
        Environment["Classifier__ModelPath"] = Path.Combine(Directory, "model.zip");
        Environment["Logging__LogLevel__Default"] = "Information";
        Environment["Scheduler__SeedsFile"] = seeds;
        Environment["Scheduler__CrawlId"] = crawlId;
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            Environment[key] = value;
        }
    }

    /// <summary>
    /// Consumers first, then the scheduler, so the crawl starts with every stage ready (the other order works too:
    /// DistributedPipelineTests.Services_started_against_the_flow_on_an_empty_broker_lose_nothing).
    /// </summary>
    protected async Task StartAllAsync(string brokerUri)
    {
        foreach (var service in Consumers)
        {
            Start(service);
        }

        await WaitForQueuesAsync(brokerUri, [QueueNames.FetcherRequests, QueueNames.ExtractorCaptures, QueueNames.ClassifierListings, QueueNames.AlertsScores]);
        Start("Scheduler");
    }

    protected ChildProcess Start(string service, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = ChildProcess.StartDotnet(service, Repository.ServiceDll("WildlifeWatch." + service), [], environment, Directory);
        _processes.Add(process);
        return process;
    }

    protected ChildProcess Running(string service) => _processes.Last(p => p.Name == service && !p.HasExited);

    /// <summary>kill -9 of the service's process tree: no shutdown code runs, unacknowledged messages go back to the broker.</summary>
    protected void Kill(string service)
    {
        var process = Running(service);
        process.Kill();
        _processes.Remove(process);
        process.Dispose();
    }

    /// <summary>SIGTERM, as an orchestrator stops a service; waits for the graceful exit.</summary>
    protected async Task StopAsync(string service)
    {
        var process = Running(service);
        process.Terminate();
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.That(exit, Is.EqualTo(0), $"{service} stops cleanly on SIGTERM:\n{process.Tail(40)}");
        _processes.Remove(process);
        process.Dispose();
    }

    /// <summary>Polls the store until <paramref name="condition"/> holds, failing when a service died or time ran out.</summary>
    protected async Task<CrawlProgress> WaitForProgressAsync(IPipelineStore store, string crawlId, Func<CrawlProgress, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        CrawlProgress? progress = null;
        while (clock.Elapsed < timeout)
        {
            FailIfAServiceDied();
            if (File.Exists(DatabasePath) && await store.GetCrawlAsync(crawlId) is not null)
            {
                progress = await store.GetProgressAsync(crawlId);
                if (condition(progress))
                {
                    return progress;
                }
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{what} did not happen within {timeout}: {progress}");
        return progress!;
    }

    protected async Task WaitUntilIdleAsync(IPipelineStore store, string crawlId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var idle = 0;
        CrawlProgress? progress = null;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            FailIfAServiceDied();
            if (!File.Exists(DatabasePath) || await store.GetCrawlAsync(crawlId) is null)
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

    protected void AssertEveryServiceRuns() =>
        Assert.That(_processes.Where(p => p.HasExited).Select(p => $"{p.Name} exited {p.ExitCode}"), Is.Empty, "every service is still running");

    protected static async Task DeletePipelineQueuesAsync(string uri)
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

    protected async Task WaitForQueuesAsync(string uri, IReadOnlyList<string> queues)
    {
        foreach (var queue in queues)
        {
            await WaitForQueueAsync(uri, queue, q => q.ConsumerCount > 0, "has no consumer");
        }
    }

    /// <summary>Waits until <paramref name="queue"/> holds a message, whether or not anything consumes it.</summary>
    protected Task WaitForBacklogAsync(string uri, string queue) => WaitForQueueAsync(uri, queue, q => q.MessageCount > 0, "holds no message");

    private async Task WaitForQueueAsync(string uri, string queue, Func<QueueDeclareOk, bool> condition, string failure)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            FailIfAServiceDied();
            try
            {
                // A passive declare of a missing queue closes its channel, hence one channel per look.
                await using var channel = await connection.CreateChannelAsync();
                if (condition(await channel.QueueDeclarePassiveAsync(queue)))
                {
                    return;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Queue {queue} {failure} after 2 minutes.");
            }

            await Task.Delay(500);
        }
    }

    private void FailIfAServiceDied()
    {
        if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
        {
            Assert.Fail($"{dead.Name} exited with {dead.ExitCode}:\n{dead.Tail(60)}");
        }
    }
}
