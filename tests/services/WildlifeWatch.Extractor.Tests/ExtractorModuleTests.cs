using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Extractor.Tests;

public sealed class ExtractorModuleTests
{
    [Test]
    public async Task Extractor_module_wires_the_handler_with_the_default_lexicon()
    {
        var dbPath = Path.Combine(Path.GetTempPath(), $"wtw-extractor-module-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IPipelineStore>(new SqlitePipelineStore(dbPath));
        new ExtractorModule().ConfigureServices(services, new ConfigurationBuilder().Build());

        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }))
        {
            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<ExtractionHandler>(), Is.Not.Null);
                Assert.That(provider.GetRequiredService<ILexiconMatcher>(), Is.TypeOf<LexiconMatcher>());
            });
        }

        File.Delete(dbPath);
    }
}
