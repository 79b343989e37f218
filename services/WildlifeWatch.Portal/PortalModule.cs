using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using WildlifeWatch.Classifier;
using WildlifeWatch.Hosting;
using WildlifeWatch.Portal.Screening;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Portal;

/// <summary>The portal as a pipeline module: its settings, security, the live model for screening; it consumes only model publications.</summary>
public sealed class PortalModule : IPipelineModule
{
    public string Name => "portal";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PortalOptions>()
            .Bind(configuration.GetSection(PortalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        ClassifierModule.AddLiveModel(services, configuration);
        services.AddSingleton<ListingScreener>();
        services.AddPortalSecurity();
        var keys = services.AddDataProtection().SetApplicationName("wildlife-trade-watch-portal");
        if (configuration.GetSection(PortalOptions.Section)[nameof(PortalOptions.DataProtectionKeysPath)] is { Length: > 0 } path)
        {
            keys.PersistKeysToFileSystem(new DirectoryInfo(path));
        }

        ScreeningApi.AddScreeningRateLimit(services);
        services.AddProblemDetails();
    }

    // Every portal hears every model publication, like every classifier, so screening uses the live model.
    public void ConfigureConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<SwapPublishedModel>().Endpoint(e => e.Temporary = true);
}
