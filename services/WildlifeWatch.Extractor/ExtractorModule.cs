using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildlifeWatch.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Detection;
using WildlifeWatch.Detection.Contacts;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Extractor;

public sealed class ExtractorModule : IPipelineModule
{
    public string Name => "extractor";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExtractorOptions>()
            .Bind(configuration.GetSection(ExtractorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ExtractorOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<ExtractorOptions>().ProfilesPath is { Length: > 0 } path
            ? SiteProfiles.Load(path)
            : SiteProfiles.None);
        services.AddSingleton(sp => new ListingExtractor(sp.GetRequiredService<SiteProfiles>()));
        services.AddSingleton<ILexiconMatcher>(_ => LexiconMatcher.LoadDefault());
        services.AddSingleton(new ContactExtractor());
        services.AddSingleton(_ => LanguageIdentifier.Default);
        services.AddHttpClient<IImageSource, HttpImageSource>((sp, http) =>
            http.Timeout = sp.GetRequiredService<ExtractorOptions>().ImageTimeout);
        services.AddSingleton(sp => new ListingEnricher(
            sp.GetRequiredService<ContactExtractor>(),
            sp.GetRequiredService<LanguageIdentifier>(),
            sp.GetRequiredService<ExtractorOptions>().FetchImages ? sp.GetRequiredService<IImageSource>() : null,
            sp.GetRequiredService<ExtractorOptions>(),
            sp.GetRequiredService<ILogger<ListingEnricher>>()));
        services.AddSingleton<ExtractionHandler>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ExtractListingFromCapture>().Endpoint(e => e.Name = QueueNames.ExtractorCaptures);
}
