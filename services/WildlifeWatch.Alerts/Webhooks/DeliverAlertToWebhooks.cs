using MassTransit;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts.Webhooks;

/// <summary>Posts each alert, and each update of one, to the webhooks that want it.</summary>
public sealed class DeliverAlertToWebhooks(WebhookDispatcher dispatcher) : IConsumer<AlertRaised>, IConsumer<AlertUpdated>
{
    public Task Consume(ConsumeContext<AlertRaised> context) => dispatcher.DispatchAsync(context.Message, context.CancellationToken);

    // The webhook queue binds every key of the alerts exchange, so updates arrive there too and must have a consumer.
    public Task Consume(ConsumeContext<AlertUpdated> context) => dispatcher.DispatchAsync(context.Message, context.CancellationToken);
}

/// <summary>On RabbitMQ the webhook queue takes every alert and update from the topic exchange; filters are applied per webhook.</summary>
public sealed class DeliverAlertToWebhooksDefinition : ConsumerDefinition<DeliverAlertToWebhooks>
{
    public DeliverAlertToWebhooksDefinition() => EndpointName = QueueNames.AlertsWebhooks;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliverAlertToWebhooks> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.ConfigureConsumeTopology = false;
            rabbit.Bind(AlertRouting.Exchange, b =>
            {
                b.ExchangeType = RabbitMQ.Client.ExchangeType.Topic;
                b.RoutingKey = "alert.#";
            });
        }
    }
}
