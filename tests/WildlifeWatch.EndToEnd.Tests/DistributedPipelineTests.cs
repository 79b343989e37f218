using WildlifeWatch.Contracts;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>The five services as OS processes over a real RabbitMQ broker, crawling part of the demo marketplace.</summary>
[TestFixture]
[Category("RabbitMq")]
[Category("Chromium")]
[NonParallelizable]
public sealed class DistributedPipelineTests : DistributedPipelineBase
{
    // One crawl proves both: every kind of service as its own process over the broker, the fetcher as two of them.
    [Test]
    public async Task Five_kinds_of_service_process_with_two_fetcher_replicas_crawl_part_of_the_demo_within_the_per_host_rate()
    {
        const int delayMs = 300;
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo);
        await ConfigureAsync(broker.Uri, part, "e2e-replicas", new Dictionary<string, string>
        {
            ["Fetcher__PerHostMinDelayMs"] = delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await DeletePipelineQueuesAsync(broker.Uri);

        // Each replica names itself in its user agent, so the site can tell who fetched what.
        Start("Fetcher", new Dictionary<string, string> { ["Fetcher__UserAgent"] = "WildlifeTradeWatch-test replica-a" });
        Start("Fetcher", new Dictionary<string, string> { ["Fetcher__UserAgent"] = "WildlifeTradeWatch-test replica-b" });
        foreach (var service in Consumers.Where(c => c != "Fetcher"))
        {
            Start(service);
        }

        await WaitForQueuesAsync(broker.Uri, [QueueNames.FetcherRequests, QueueNames.ExtractorCaptures, QueueNames.ClassifierListings, QueueNames.AlertsScores]);
        Start("Scheduler");

        using var store = new SqlitePipelineStore(DatabasePath);
        await WaitUntilIdleAsync(store, "e2e-replicas", TimeSpan.FromMinutes(8));
        AssertEveryServiceRuns();
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, "e2e-replicas", part.Expected);

        var pageLoads = demo.RequestLog.Where(r => r.IsNavigation).OrderBy(r => r.ArrivedAt).ToList();
        var byReplica = pageLoads.GroupBy(r => r.UserAgent.EndsWith("replica-a", StringComparison.Ordinal) ? "a" : r.UserAgent.EndsWith("replica-b", StringComparison.Ordinal) ? "b" : "?")
            .ToDictionary(g => g.Key, g => g.Count());
        TestContext.Out.WriteLine($"page loads: {pageLoads.Count}, by replica: {string.Join(", ", byReplica.Select(kv => $"{kv.Key}={kv.Value}"))}");
        var gaps = pageLoads.Zip(pageLoads.Skip(1), (previous, next) => next.ArrivedAt - previous.AnsweredAt).ToList();
        TestContext.Out.WriteLine($"smallest gap between a page's answer and the next page request: {gaps.Min().TotalMilliseconds:F0} ms");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byReplica.Keys, Is.EquivalentTo(new[] { "a", "b" }), "every page load came from one of the two replicas, and both took a share");
            Assert.That(byReplica.Values.Min(), Is.GreaterThanOrEqualTo(pageLoads.Count / 5), "each replica took a real share");
            // The fetcher counts the delay from the answer it received, which is after the server wrote it; a few
            // milliseconds of slack cover the loopback hop and clock reads, not a second request.
            Assert.That(gaps, Has.All.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(delayMs - 15)), "per-host spacing at the site");
        }
    }

    // Each stage starts only once the one before it has published into its queue: on an empty broker, what a
    // producer publishes before its consumer ever ran has to wait there, not vanish.
    [Test]
    public async Task Services_started_against_the_flow_on_an_empty_broker_lose_nothing()
    {
        await using var acquired = await Broker.AcquireAsync();
        var broker = await IsolateAsync(acquired.Uri);
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo);
        await ConfigureAsync(broker, part, "e2e-producers-first");
        await DeletePipelineQueuesAsync(broker);

        Start("Scheduler");
        await WaitForBacklogAsync(broker, QueueNames.FetcherRequests);
        Start("Fetcher");
        await WaitForBacklogAsync(broker, QueueNames.ExtractorCaptures);
        Start("Extractor");
        await WaitForBacklogAsync(broker, QueueNames.ClassifierListings);
        Start("Classifier");
        await WaitForBacklogAsync(broker, QueueNames.AlertsScores);
        Start("Alerts");

        using var store = new SqlitePipelineStore(DatabasePath);
        await WaitUntilIdleAsync(store, "e2e-producers-first", TimeSpan.FromMinutes(8));
        AssertEveryServiceRuns();
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, "e2e-producers-first", part.Expected);
    }
}
