using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Alerts.Email;
using WildlifeWatch.Alerts.Webhooks;
using WildlifeWatch.Contracts;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Alerts;

public sealed class AlertsModule : IPipelineModule
{
    public string Name => "alerts";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>()
            .Bind(configuration.GetSection(AlertOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AlertDecider>();
        services.AddScoped<AlertHandler>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<DigestOptions>()
            .Bind(configuration.GetSection(DigestOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<EmailSender>();
        services.AddScoped<AlertDigestService>();
        services.AddHostedService<DailyDigestWorker>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RaiseAlertForScore>().Endpoint(e => e.Name = QueueNames.AlertsScores);
        bus.AddConsumer<DeliverAlertToWebhooks, DeliverAlertToWebhooksDefinition>();
        bus.AddConsumer<EmailAlertToSubscribers, EmailAlertToSubscribersDefinition>();
    }
}
