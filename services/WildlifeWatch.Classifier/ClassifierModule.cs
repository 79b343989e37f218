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
        AddLiveModel(services, configuration);
        services.AddScoped<ListingScoringHandler>();
    }

    /// <summary>
    /// The live model as the classifier holds it (options, lexicon, <see cref="ModelProvider"/>, warm-up); whoever else
    /// scores (the portal's screening API) registers it this way and adds <see cref="SwapPublishedModel"/> to follow publications.
    /// </summary>
    public static IServiceCollection AddLiveModel(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClassifierOptions>()
            .Bind(configuration.GetSection(ClassifierOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Other modules in the same process (the extractor) may share the lexicon.
        services.TryAddSingleton<ILexiconMatcher>(_ => LexiconMatcher.LoadDefault());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelProvider>();
        services.AddHostedService<ModelWarmup>();
        return services;
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ScoreExtractedListing>().Endpoint(e => e.Name = QueueNames.ClassifierListings);
        // A temporary (per-process, auto-deleted) queue: every classifier instance must hear every publication.
        bus.AddConsumer<SwapPublishedModel>().Endpoint(e => e.Temporary = true);
    }
}
