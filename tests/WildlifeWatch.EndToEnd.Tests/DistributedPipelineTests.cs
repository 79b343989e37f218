using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>The five services as five OS processes over a real RabbitMQ broker, crawling part of the demo marketplace.</summary>
[TestFixture]
[Category("RabbitMq")]
[Category("Chromium")]
[NonParallelizable]
public sealed class DistributedPipelineTests : DistributedPipelineBase
{
    [Test]
    public async Task Five_service_processes_over_rabbitmq_crawl_part_of_the_demo_marketplace()
    {
        await using var acquired = await Broker.AcquireAsync();
        var broker = new { Uri = await IsolateAsync(acquired.Uri) };
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        var part = await DemoPart.ChooseAsync(demo);
        await ConfigureAsync(broker.Uri, part, "e2e-distributed");
        await DeletePipelineQueuesAsync(broker.Uri);

        await StartAllAsync(broker.Uri);

        using var store = new SqlitePipelineStore(DatabasePath);
        await WaitUntilIdleAsync(store, "e2e-distributed", TimeSpan.FromMinutes(8));

        AssertEveryServiceRuns();
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, "e2e-distributed", part.Expected);
    }
}
