using MassTransit;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Hosting;

/// <summary>
/// Which pipeline queue receives each message a stage publishes. RabbitMQ drops a message published to an exchange
/// with no queue bound, so on an empty broker a stage started before the next one would lose what it publishes until
/// that consumer had declared its queue. Every publisher therefore declares the receiving queue and its binding
/// itself; whichever process comes first creates them, and the backlog waits. Alerts are not here: the alerts
/// service publishes them to its own webhook queue, which exists once it runs.
/// </summary>
public static class StageQueues
{
    // One entry per stage message: the queue it goes to, and how a publisher declares that queue.
    private static readonly StageQueue[] Stages =
    [
        Stage<FetchRequested>(QueueNames.FetcherRequests),
        Stage<PageCaptured>(QueueNames.ExtractorCaptures),
        Stage<FetchFailed>(QueueNames.SchedulerFailures),
        Stage<LinksDiscovered>(QueueNames.SchedulerLinks),
        Stage<ListingExtracted>(QueueNames.ClassifierListings),
        Stage<ListingScored>(QueueNames.AlertsScores),
    ];

    /// <summary>Message type to the queue of the stage that consumes it.</summary>
    public static IReadOnlyDictionary<Type, string> ByMessage { get; } = Stages.ToDictionary(s => s.Message, s => s.Queue);

    /// <summary>Adds the declarations to the publish topology: they run on the first publish of each message type.</summary>
    public static void DeclareOnPublish(IRabbitMqBusFactoryConfigurator cfg, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var stage in Stages)
        {
            stage.Declare(cfg, options);
        }
    }

    /// <summary>Durable classic or quorum, as the consumer declares it: a queue redeclared with other arguments is refused.</summary>
    internal static void ApplyQueueType(IRabbitMqQueueConfigurator queue, BusOptions options)
    {
        if (options.QueueType == BusQueueType.Quorum)
        {
            queue.SetQuorumQueue();
        }
        else
        {
            queue.Durable = true;
        }
    }

    private static StageQueue Stage<T>(string queue)
        where T : class =>
        new(typeof(T), queue, (cfg, options) =>
        {
            // Bound straight to the message type's exchange (the consumer adds its own exchange in between): RabbitMQ
            // puts one copy in a queue however many of its bindings match, so the two routes never duplicate a message.
            var exchange = cfg.MessageTopology.GetMessageTopology<T>().EntityName;
            cfg.Publish<T>(p => p.BindQueue(exchange, queue, binding => ApplyQueueType(binding, options)));
        });

    private sealed record StageQueue(Type Message, string Queue, Action<IRabbitMqBusFactoryConfigurator, BusOptions> Declare);
}
