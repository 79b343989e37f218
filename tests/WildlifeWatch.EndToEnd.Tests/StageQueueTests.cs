using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using WildlifeWatch.Alerts;
using WildlifeWatch.Classifier;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Extractor;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Hosting;
using WildlifeWatch.Portal;
using WildlifeWatch.Scheduler;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>Publishers declare the queue of the stage that consumes what they publish (StageQueues).</summary>
[TestFixture]
[NonParallelizable]
public sealed class StageQueueTests : DistributedPipelineBase
{
    // Consumed in the process that publishes them (alerts), or by a temporary per-process endpoint (model swaps):
    // no other stage's start order can strand them.
    private static readonly Type[] NotStageMessages = [typeof(AlertRaised), typeof(AlertUpdated), typeof(ModelPublished)];

    [Test]
    public void Every_message_a_stage_consumes_has_its_queue_declared_by_its_publishers()
    {
        var consumed = new[] { typeof(SchedulerModule), typeof(FetcherModule), typeof(ExtractorModule), typeof(ClassifierModule), typeof(AlertsModule), typeof(PortalModule) }
            .SelectMany(m => m.Assembly.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .Where(m => m.Namespace == typeof(PageCaptured).Namespace)
            .Distinct()
            .ToList();

        Assert.That(consumed.Except(NotStageMessages), Is.EquivalentTo(StageQueues.ByMessage.Keys));
    }

    [Category("RabbitMq")]
    [TestCase(BusQueueType.Classic)]
    [TestCase(BusQueueType.Quorum)]
    public async Task What_a_stage_publishes_before_its_consumer_ever_ran_waits_for_it_and_arrives_once(BusQueueType queueType)
    {
        await using var acquired = await Broker.AcquireAsync();
        var broker = await IsolateAsync(acquired.Uri);
        await DeletePipelineQueuesAsync(broker);
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = broker,
            ["Bus:QueueType"] = queueType.ToString(),
            ["Store:SqlitePath"] = Path.Combine(Directory, "pipeline.db"),
        };

        // A process that only publishes, on a broker where no consumer ever declared anything.
        using (var producer = PipelineHost.CreateBuilder([], settings, new Recorders(null)).Build())
        {
            await producer.StartAsync();
            await PublishOneOfEachAsync(producer.Services.GetRequiredService<IBus>(), "early");
            await producer.StopAsync();
        }

        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            foreach (var queue in StageQueues.ByMessage.Values)
            {
                Assert.That(await MessageCountAsync(connection, queue), Is.EqualTo(1), $"{queue} keeps what was published before any consumer ran");
            }
        }

        // The consumers come later, declaring the same queues their own way; then both routes to each queue exist.
        var received = new ConcurrentBag<(Type Message, string Tag)>();
        using var consumers = PipelineHost.CreateBuilder([], settings, new Recorders(received)).Build();
        await consumers.StartAsync();
        await PublishOneOfEachAsync(consumers.Services.GetRequiredService<IBus>(), "late");
        var expected = StageQueues.ByMessage.Keys.SelectMany(t => new[] { (t, "early"), (t, "late") }).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (received.Count < expected.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        // Long enough for a second copy through the other binding to have arrived, were there one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await consumers.StopAsync();
        Assert.That(received, Is.EquivalentTo(expected), "each message once: the backlog first, then the ones published with the consumers up");
    }

    private static async Task<uint?> MessageCountAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null; // never declared
        }
    }

    private static async Task PublishOneOfEachAsync(IBus bus, string tag)
    {
        var now = DateTimeOffset.UtcNow;
        var url = "http://127.0.0.1/item/" + tag;
        await bus.Publish(new FetchRequested(Guid.NewGuid(), tag, "s", url, url, 0, now));
        await bus.Publish(new PageCaptured(Guid.NewGuid(), tag, "s", "c", url, url, url, 200, 0, now, now, "h", "t", "i", "m"));
        await bus.Publish(new FetchFailed(Guid.NewGuid(), tag, "s", url, url, "timeout", now));
        await bus.Publish(new LinksDiscovered(Guid.NewGuid(), tag, "s", url, 0, [url]));
        await bus.Publish(new ListingExtracted(Guid.NewGuid(), tag, "l", "c", url, "title", "text", null, null, null, [], []));
        await bus.Publish(new ListingScored(Guid.NewGuid(), tag, "l", url, 0.5, "m", null, now));
    }

    /// <summary>A consumer per stage message on that stage's queue, recording the message type and its crawl id.</summary>
    private sealed class Recorders(ConcurrentBag<(Type, string)>? received) : IPipelineModule
    {
        public string Name => "recorders";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
        {
            if (received is not null)
            {
                services.AddSingleton(received);
            }
        }

        public void ConfigureConsumers(IBusRegistrationConfigurator bus)
        {
            if (received is null)
            {
                return;
            }

            Add<FetchRequested>(bus);
            Add<PageCaptured>(bus);
            Add<FetchFailed>(bus);
            Add<LinksDiscovered>(bus);
            Add<ListingExtracted>(bus);
            Add<ListingScored>(bus);
        }

        private static void Add<T>(IBusRegistrationConfigurator bus)
            where T : class, IPipelineMessage =>
            bus.AddConsumer<Recorder<T>>().Endpoint(e => e.Name = StageQueues.ByMessage[typeof(T)]);
    }

    private sealed class Recorder<T>(ConcurrentBag<(Type, string)> received) : IConsumer<T>
        where T : class, IPipelineMessage
    {
        public Task Consume(ConsumeContext<T> context)
        {
            received.Add((typeof(T), context.Message.CrawlId));
            return Task.CompletedTask;
        }
    }
}
