using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildlifeWatch.Contracts;
using WildlifeWatch.Detection;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Extractor;

public sealed class ExtractorModule : IPipelineModule
{
    public string Name => "extractor";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ListingExtractor>();
        services.AddSingleton<ILexiconMatcher>(_ => LexiconMatcher.LoadDefault());
        services.AddSingleton<ExtractionHandler>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ExtractListingFromCapture>().Endpoint(e => e.Name = QueueNames.ExtractorCaptures);
}
