using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts;
using WildlifeWatch.Detection;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler;

public sealed class SchedulerModule : IPipelineModule
{
    private const string UserAgent = "WildlifeTradeWatch/0.1";
    private const string HttpClientName = "scheduler";

    public string Name => "scheduler";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>()
            .Bind(configuration.GetSection(SchedulerOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.SeedsFile) || File.Exists(o.SeedsFile), "Scheduler:SeedsFile names a file that does not exist.")
            .Validate(o => o.RequeueMaxBackoff >= o.RequeueAfter, "Scheduler:RequeueMaxBackoff must not be shorter than Scheduler:RequeueAfter.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SchedulerOptions>>().Value;
            return new UrlNormalizer(o.ExtraTrackingParameters, o.ExtraTrackingPrefixes);
        });
        services.AddHttpClient(HttpClientName, http => http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent));
        // Singletons: the robots.txt cache must outlive a message (a typed client is transient, and so was its cache).
        services.AddSingleton(sp => new RobotsCache(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<SchedulerOptions>>(), sp.GetRequiredService<ILogger<RobotsCache>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SitemapReader(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<SchedulerOptions>>(), sp.GetRequiredService<ILogger<SitemapReader>>()));
        services.TryAddSingleton<ILexiconMatcher>(_ => LexiconMatcher.LoadDefault());
        services.AddSingleton<LinkScorer>();
        services.AddScoped<CrawlPlanner>();
        services.AddHostedService<CrawlStarter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KnownCrawls>();
        services.AddHostedService<FrontierSweeper>();
        services.AddSingleton<RevisitPlanner>();
        services.AddHostedService(sp => sp.GetRequiredService<RevisitPlanner>());

        // The scheduler owns the crawl's lifecycle, so it also applies Store:RawCaptureRetentionDays.
        services.AddHostedService<RetentionSweeper>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AdmitDiscoveredLinks>().Endpoint(e => e.Name = QueueNames.SchedulerLinks);
        bus.AddConsumer<RecordFailedFetch>().Endpoint(e => e.Name = QueueNames.SchedulerFailures);
    }
}
