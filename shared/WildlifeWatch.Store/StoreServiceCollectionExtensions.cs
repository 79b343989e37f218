using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store chosen by <c>Store:Provider</c>. SQLite is built in; MongoDB needs its factory registered too
    /// (<c>AddMongoDbStoreProvider()</c> from WildlifeWatch.Store.MongoDb), which keeps this assembly free of the driver.
    /// </summary>
    public static IServiceCollection AddPipelineStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.MongoUri))
                {
                    o.MongoUri = Environment.GetEnvironmentVariable(StoreOptions.MongoUriVariable);
                }
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != StoreProvider.MongoDb || !string.IsNullOrWhiteSpace(o.MongoUri),
                $"Store:Provider is MongoDb but no connection string is set: set Store:MongoUri or the {StoreOptions.MongoUriVariable} environment variable.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, ProviderIsRegistered>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPipelineStoreFactory, SqliteStoreFactory>());
        services.AddSingleton<IPipelineStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var factory = sp.GetServices<IPipelineStoreFactory>().LastOrDefault(f => f.Provider == options.Provider)
                ?? throw new InvalidOperationException(ProviderIsRegistered.Missing(options.Provider));
            return factory.Create(options);
        });
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    private sealed class SqliteStoreFactory : IPipelineStoreFactory
    {
        public StoreProvider Provider => StoreProvider.Sqlite;

        public IPipelineStore Create(StoreOptions options) => new SqlitePipelineStore(options.SqlitePath);
    }

    /// <summary>Fails start-up, with the fix in the message, when the configured provider has no factory in this process.</summary>
    private sealed class ProviderIsRegistered(IEnumerable<IPipelineStoreFactory> factories) : IValidateOptions<StoreOptions>
    {
        public static string Missing(StoreProvider provider) =>
            $"Store:Provider is {provider} but this process has no {provider} store: reference WildlifeWatch.Store.MongoDb and call services.AddMongoDbStoreProvider().";

        public ValidateOptionsResult Validate(string? name, StoreOptions options) =>
            factories.Any(f => f.Provider == options.Provider) ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(Missing(options.Provider));
    }

    private sealed class StoreInitializer(IPipelineStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
