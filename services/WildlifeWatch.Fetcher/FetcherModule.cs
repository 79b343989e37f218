using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher;

public sealed class FetcherModule : IPipelineModule
{
    public string Name => "fetcher";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FetcherOptions>()
            .Bind(configuration.GetSection(FetcherOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FetcherOptions>, ChromiumOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        // A singleton the container created is disposed at shutdown: Chromium goes down with the host.
        services.AddSingleton<BrowserSession>();
        services.AddSingleton<HostPoliteness>();
        services.AddSingleton<GuardedHttpClient>();
        services.AddSingleton<HostCircuitBreakers>();
        services.AddSingleton<HttpPageLoader>();
        services.AddSingleton<BrowserPageLoader>();
        services.AddSingleton<IPageCapturer, PageCapturer>();
        services.AddSingleton<CaptureHandler>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CaptureRequestedPage>().Endpoint(e => e.Name = QueueNames.FetcherRequests);
}
