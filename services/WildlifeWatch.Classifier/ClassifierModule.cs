using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildlifeWatch.Contracts;
using WildlifeWatch.Detection;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Classifier;

/// <summary>The scoring stage: extracted listings in, stored scores and ListingScored out.</summary>
public sealed class ClassifierModule : IPipelineModule
{
    public string Name => "classifier";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClassifierOptions>()
            .Bind(configuration.GetSection(ClassifierOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Other modules in the same process (the extractor) may share the lexicon.
        services.TryAddSingleton<ILexiconMatcher>(_ => LexiconMatcher.LoadDefault());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelProvider>();
        services.AddHostedService<ModelWarmup>();
        services.AddScoped<ListingScoringHandler>();
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ScoreExtractedListing>().Endpoint(e => e.Name = QueueNames.ClassifierListings);
        // A temporary (per-process, auto-deleted) queue: every classifier instance must hear every publication.
        bus.AddConsumer<SwapPublishedModel>().Endpoint(e => e.Temporary = true);
    }
}
