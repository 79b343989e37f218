using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WildlifeWatch.Store.MongoDb;

public static class MongoStoreServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>Store:Provider = MongoDb</c> available to <see cref="StoreServiceCollectionExtensions.AddPipelineStore"/>
    /// (connection string from <c>Store:MongoUri</c> or <c>MONGODB_URI</c>, database from <c>Store:MongoDatabase</c>).
    /// </summary>
    public static IServiceCollection AddMongoDbStoreProvider(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPipelineStoreFactory, MongoStoreFactory>());
        return services;
    }

    private sealed class MongoStoreFactory : IPipelineStoreFactory
    {
        public StoreProvider Provider => StoreProvider.MongoDb;

        public IPipelineStore Create(StoreOptions options) =>
            new MongoPipelineStore(
                options.MongoUri ?? throw new InvalidOperationException($"Store:MongoUri or {StoreOptions.MongoUriVariable} must be set for the MongoDb store."),
                options.MongoDatabase);
    }
}
