using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler;

public sealed class SchedulerModule : IPipelineModule
{
    public string Name => "scheduler";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>()
            .Bind(configuration.GetSection(SchedulerOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.SeedsFile) || File.Exists(o.SeedsFile), "Scheduler:SeedsFile names a file that does not exist.")
            .Validate(o => o.RequeueMaxBackoff >= o.RequeueAfter, "Scheduler:RequeueMaxBackoff must not be shorter than Scheduler:RequeueAfter.")
            .ValidateOnStart();
        services.AddSingleton(sp => new UrlNormalizer(sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.ExtraTrackingParameters));
        services.AddHttpClient<RobotsCache>(http => http.DefaultRequestHeaders.UserAgent.ParseAdd("WildlifeTradeWatch/0.1"));
        services.AddScoped<CrawlPlanner>();
        services.AddHostedService<CrawlStarter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KnownCrawls>();
        services.AddHostedService<FrontierSweeper>();

        // The scheduler owns the crawl's lifecycle, so it also applies Store:RawCaptureRetentionDays.
        services.AddHostedService<RetentionSweeper>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AdmitDiscoveredLinks>().Endpoint(e => e.Name = QueueNames.SchedulerLinks);
        bus.AddConsumer<RecordFailedFetch>().Endpoint(e => e.Name = QueueNames.SchedulerFailures);
    }
}
