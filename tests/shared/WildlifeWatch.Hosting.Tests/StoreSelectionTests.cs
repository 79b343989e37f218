using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildlifeWatch.Hosting;
using WildlifeWatch.Store;
using WildlifeWatch.Store.MongoDb;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Hosting.Tests;

/// <summary>Every service gets the store named by Store:Provider, without code of its own.</summary>
public sealed class StoreSelectionTests
{
    [Test]
    public void The_embedded_sqlite_store_is_the_default()
    {
        using var services = Build(new() { ["Store:SqlitePath"] = Path.Combine(Path.GetTempPath(), "wtw-selection-" + Guid.NewGuid().ToString("N"), "p.db") });

        Assert.That(services.GetRequiredService<IPipelineStore>(), Is.InstanceOf<SqlitePipelineStore>());
    }

    [Test]
    public void Provider_mongodb_with_a_uri_gives_the_mongodb_store()
    {
        // Building the client does not connect, so no server is needed to see which store a service gets.
        using var services = Build(new() { ["Store:Provider"] = "MongoDb", ["Store:MongoUri"] = "mongodb://127.0.0.1:27017", ["Store:MongoDatabase"] = "wtw-test" });

        Assert.That(services.GetRequiredService<IPipelineStore>(), Is.InstanceOf<MongoPipelineStore>());
    }

    [Test]
    public void Provider_mongodb_without_a_configured_uri_falls_back_to_MONGODB_URI_or_fails_with_the_fix()
    {
        using var services = Build(new() { ["Store:Provider"] = "MongoDb", ["Store:MongoUri"] = "" });

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StoreOptions.MongoUriVariable)))
        {
            var error = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<StoreOptions>>().Value);
            Assert.That(error!.Message, Does.Contain("MONGODB_URI"));
        }
        else
        {
            Assert.That(services.GetRequiredService<IPipelineStore>(), Is.InstanceOf<MongoPipelineStore>(), "MONGODB_URI is set: the store comes from it");
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return PipelineHost.AddPipeline(new ServiceCollection().AddLogging(), configuration, new NothingModule()).BuildServiceProvider();
    }

    private sealed class NothingModule : IPipelineModule
    {
        public string Name => "nothing";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void ConfigureConsumers(MassTransit.IBusRegistrationConfigurator bus)
        {
        }
    }
}
