using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Store;

public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Provider == StoreProvider.Sqlite, "Store:Provider MongoDb is not available in this build yet; use Sqlite.")
            .ValidateOnStart();
        services.AddSingleton<IPipelineStore>(sp => new SqlitePipelineStore(sp.GetRequiredService<IOptions<StoreOptions>>().Value.SqlitePath));
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    private sealed class StoreInitializer(IPipelineStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
