using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>
/// Issue #3: the distributed pipeline survives crashes, poison messages, a broker restart and a full stop:
/// the crawl completes, with every listing stored once and no duplicate capture, listing, score or alert.
/// </summary>
[TestFixture]
[Category("RabbitMq")]
[Category("Chromium")]
[NonParallelizable]
public sealed class PipelineResilienceTests : DistributedPipelineBase
{
    private static readonly TimeSpan CrawlTimeout = TimeSpan.FromMinutes(6);

    // A short lease so that the sweeper acts within the test; the fetcher turns its duplicates into re-announcements.
    private static readonly Dictionary<string, string> FastSweep = new()
    {
        ["Scheduler__RequeueAfter"] = "00:00:15",
        ["Scheduler__SweepInterval"] = "00:00:03",
    };

    [Test]
    public async Task Killing_fetcher_extractor_and_classifier_mid_crawl_loses_nothing_and_duplicates_nothing()
    {
        const string crawlId = "e2e-kill";
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo, firstPagesOnly: true);
        await ConfigureAsync(broker.Uri, part, crawlId, FastSweep);
        await DeletePipelineQueuesAsync(broker.Uri);
        await StartAllAsync(broker.Uri);
        using var store = new SqlitePipelineStore(DatabasePath);
        var expected = part.Expected.Count;

        var atFetcherKill = await WaitForProgressAsync(store, crawlId, p => p.Captures >= 3, CrawlTimeout, "three captures");
        Kill("Fetcher");
        Start("Fetcher");
        var atExtractorKill = await WaitForProgressAsync(store, crawlId, p => p.Listings >= expected / 4, CrawlTimeout, "a quarter of the listings");
        Kill("Extractor");
        Start("Extractor");
        var atClassifierKill = await WaitForProgressAsync(store, crawlId, p => p.Listings - p.ListingsPendingScore >= expected / 2, CrawlTimeout, "half of the listings scored");
        Kill("Classifier");
        Start("Classifier");
        TestContext.Out.WriteLine($"killed the fetcher at {atFetcherKill}\nthe extractor at {atExtractorKill}\nthe classifier at {atClassifierKill}");
        Assert.That(atFetcherKill.IsIdle || atExtractorKill.IsIdle, Is.False, "the kills happened mid-crawl");

        await WaitUntilIdleAsync(store, crawlId, CrawlTimeout);

        AssertEveryServiceRuns();
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, crawlId, part.Expected);
        CrawlAssertions.AssertNoDuplicatesByKey(DatabasePath, crawlId);
    }

    [Test]
    public async Task A_poison_message_lands_in_the_error_queue_and_is_processed_after_the_fix_and_a_requeue()
    {
        const string crawlId = "e2e-poison-crawl";
        const string poisonCrawl = "e2e-poison";
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo, firstPagesOnly: true);
        await ConfigureAsync(broker.Uri, part, crawlId, new Dictionary<string, string> { ["Bus__RetryLimit"] = "1" });
        await DeletePipelineQueuesAsync(broker.Uri);
        await StartAllAsync(broker.Uri);

        // A capture announced before its evidence exists: the extractor cannot read its HTML.
        var html = Encoding.UTF8.GetBytes("<html><body><p>not a listing</p></body></html>");
        var htmlSha = Convert.ToHexStringLower(SHA256.HashData(html));
        var url = new Uri(demo.BaseUrl, "about-poison").AbsoluteUri;
        var poison = new PageCaptured(Guid.NewGuid(), poisonCrawl, "poison", "poisoncapture0000000000000000001", url, url, url, 200, 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, htmlSha, htmlSha, htmlSha, htmlSha);
        await SendAsync(broker.Uri, QueueNames.ExtractorCaptures, poison);

        var errorQueue = QueueNames.ExtractorCaptures + "_error";
        var headers = await WaitForErrorAsync(broker.Uri, errorQueue, TimeSpan.FromMinutes(1));
        Assert.That(headers["MT-Fault-ExceptionType"], Does.Contain("InvalidOperationException"));
        Assert.That(headers["MT-Fault-Message"], Does.Contain(htmlSha).And.Contain("is not in the store"));

        using var listing = await RunCliAsync(broker.Uri, "errors");
        Assert.That(listing.Output, Does.Contain(errorQueue + ": 1 message(s)").And.Contain("WildlifeWatch.Contracts.V1:PageCaptured").And.Contain("is not in the store"));
        Assert.That(await MessageCountAsync(broker.Uri, errorQueue), Is.EqualTo(1), "listing does not consume");

        using var store = new SqlitePipelineStore(DatabasePath);
        await WaitUntilIdleAsync(store, crawlId, CrawlTimeout);
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, crawlId, part.Expected);

        // The fix: the capture and its evidence now exist.
        await store.CreateCrawlAsync(new Crawl(poisonCrawl, DateTimeOffset.UtcNow, """{"seeds":[]}"""));
        var stored = await store.PutArtifactAsync(html, "text/html; charset=utf-8");
        Assert.That(stored, Is.EqualTo(htmlSha));
        await store.AddCaptureAsync(new Capture(poison.CaptureId, poisonCrawl, "poison", url, url, url, 200, 0, poison.StartedAt, poison.CapturedAt, htmlSha, htmlSha, htmlSha, htmlSha));

        using var requeue = await RunCliAsync(broker.Uri, "errors", "--requeue", "--queue", QueueNames.ExtractorCaptures);
        Assert.That(requeue.Output, Does.Contain($"{errorQueue}: 1 message(s) moved to {QueueNames.ExtractorCaptures}"));

        var settled = await WaitForProgressAsync(store, poisonCrawl, p => p.Captures == 1 && p.CapturesPendingExtraction == 0, TimeSpan.FromMinutes(1), "the requeued capture's extraction");
        Assert.That(settled.Listings, Is.Zero);
        Assert.That(await MessageCountAsync(broker.Uri, errorQueue), Is.Zero, "the error queue is empty after the requeue");
        AssertEveryServiceRuns();
    }

    [Test]
    public async Task The_crawl_completes_when_the_broker_stops_and_starts_mid_crawl()
    {
        const string crawlId = "e2e-broker-restart";
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo, firstPagesOnly: true);
        await ConfigureAsync(broker.Uri, part, crawlId, FastSweep);
        await DeletePipelineQueuesAsync(broker.Uri);
        await StartAllAsync(broker.Uri);
        using var store = new SqlitePipelineStore(DatabasePath);

        var before = await WaitForProgressAsync(store, crawlId, p => p.Captures >= 5, CrawlTimeout, "five captures");
        try
        {
            await RabbitMqCtl.RunAsync("stop_app");
            await Task.Delay(TimeSpan.FromSeconds(8));
        }
        finally
        {
            await RabbitMqCtl.RunAsync("start_app");
        }

        TestContext.Out.WriteLine($"broker stopped at {before}");
        Assert.That(before.IsIdle, Is.False, "the broker stopped mid-crawl");

        await WaitUntilIdleAsync(store, crawlId, CrawlTimeout);

        AssertEveryServiceRuns();
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, crawlId, part.Expected);
        CrawlAssertions.AssertNoDuplicatesByKey(DatabasePath, crawlId);
    }

    [Test]
    public async Task Stopping_and_restarting_every_service_resumes_the_crawl_without_fetching_a_listing_page_twice()
    {
        const string crawlId = "e2e-resume";
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo, firstPagesOnly: true);
        await ConfigureAsync(broker.Uri, part, crawlId, FastSweep);
        await DeletePipelineQueuesAsync(broker.Uri);
        await StartAllAsync(broker.Uri);
        using var store = new SqlitePipelineStore(DatabasePath);

        var atStop = await WaitForProgressAsync(store, crawlId, p => p.Captures >= 6, CrawlTimeout, "six captures");
        await Task.WhenAll(new[] { "Scheduler" }.Concat(Consumers).Select(StopAsync));
        var afterStop = await store.GetProgressAsync(crawlId);
        TestContext.Out.WriteLine($"stopped at {atStop}, after the stop {afterStop}");
        Assert.That(afterStop.IsIdle, Is.False, "the services stopped mid-crawl");

        await StartAllAsync(broker.Uri);
        await WaitUntilIdleAsync(store, crawlId, CrawlTimeout);

        AssertEveryServiceRuns();
        Assert.That(Running("Scheduler").Output, Does.Contain($"Crawl {crawlId}: 0 start URLs admitted"), "a resumed crawl announces no start URL again");
        var itemLoads = demo.RequestedPaths
            .Select(p => p.Split('?', 2)[0])
            .Where(p => p.StartsWith("/item/", StringComparison.Ordinal))
            .GroupBy(p => p, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} x{g.Count()}");
        Assert.That(itemLoads, Is.Empty, "listing pages loaded more than once");
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, crawlId, part.Expected);
        CrawlAssertions.AssertNoDuplicatesByKey(DatabasePath, crawlId);
    }

    private static async Task SendAsync<T>(string uri, string queue, T message)
        where T : class
    {
        // The MassTransit envelope, written by hand: what any producer on the broker could send.
        var envelope = new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { $"urn:message:{typeof(T).Namespace}:{typeof(T).Name}" },
            message,
            sentTime = DateTimeOffset.UtcNow,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = envelope.messageId.ToString() };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body);
    }

    private static async Task<Dictionary<string, string>> WaitForErrorAsync(string uri, string queue, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                if (await channel.BasicGetAsync(queue, autoAck: false) is { } delivery)
                {
                    await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
                    return (delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
                        .ToDictionary(h => h.Key, h => h.Value is byte[] b ? Encoding.UTF8.GetString(b) : h.Value?.ToString() ?? "");
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The error queue is declared with the first fault.
            }

            await Task.Delay(500);
        }

        Assert.Fail($"No message reached {queue} within {timeout}.");
        return [];
    }

    private static async Task<uint> MessageCountAsync(string uri, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    private async Task<ChildProcess> RunCliAsync(string brokerUri, params string[] args)
    {
        var cli = ChildProcess.StartDotnet("pipeline", Repository.ServiceDll("Pipeline.Cli", "pipeline"), args, new Dictionary<string, string> { ["RABBITMQ_URI"] = brokerUri }, Directory);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.That(exit, Is.Zero, cli.Output);
        TestContext.Out.WriteLine($"pipeline {string.Join(' ', args)}:\n{cli.Output}");
        return cli;
    }
}
