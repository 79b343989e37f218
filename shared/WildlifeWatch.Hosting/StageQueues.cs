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
    /// <summary>Message type to the queue of the stage that consumes it.</summary>
    public static IReadOnlyDictionary<Type, string> ByMessage { get; } = new Dictionary<Type, string>
    {
        [typeof(FetchRequested)] = QueueNames.FetcherRequests,
        [typeof(PageCaptured)] = QueueNames.ExtractorCaptures,
        [typeof(FetchFailed)] = QueueNames.SchedulerFailures,
        [typeof(LinksDiscovered)] = QueueNames.SchedulerLinks,
        [typeof(ListingExtracted)] = QueueNames.ClassifierListings,
        [typeof(ListingScored)] = QueueNames.AlertsScores,
    };

    /// <summary>Adds the declarations to the publish topology: they run on the first publish of each message type.</summary>
    public static void DeclareOnPublish(IRabbitMqBusFactoryConfigurator cfg, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        ArgumentNullException.ThrowIfNull(options);
        Declare<FetchRequested>(cfg, options);
        Declare<PageCaptured>(cfg, options);
        Declare<FetchFailed>(cfg, options);
        Declare<LinksDiscovered>(cfg, options);
        Declare<ListingExtracted>(cfg, options);
        Declare<ListingScored>(cfg, options);
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

    private static void Declare<T>(IRabbitMqBusFactoryConfigurator cfg, BusOptions options)
        where T : class
    {
        var queue = ByMessage[typeof(T)];
        // Bound straight to the message type's exchange (the consumer adds its own exchange in between): RabbitMQ
        // puts one copy in a queue however many of its bindings match, so the two routes never duplicate a message.
        var exchange = cfg.MessageTopology.GetMessageTopology<T>().EntityName;
        cfg.Publish<T>(p => p.BindQueue(exchange, queue, binding => ApplyQueueType(binding, options)));
    }
}
