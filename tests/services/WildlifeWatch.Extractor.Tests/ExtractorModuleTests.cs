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

    [TestCase("Extractor:NearDuplicateMaxDistance", "40", "NearDuplicateMaxDistance", TestName = "A_hash_bound_over_32_bits_stops_start_up")]
    [TestCase("Extractor:MaxImageBytes", "10", "MaxImageBytes", TestName = "A_tiny_image_byte_limit_stops_start_up")]
    [TestCase("Extractor:ProfilesPath", "no/such/profiles.yaml", "ProfilesPath", TestName = "A_missing_profiles_file_stops_start_up")]
    public void Invalid_extractor_settings_are_refused_with_their_name(string key, string value, string named)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        new ExtractorModule().ConfigureServices(services, new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build());
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ExtractorOptions>>().Value,
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains(named));
    }

    [Test]
    public void Profiles_named_by_the_setting_are_loaded_into_the_extractor()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wtw-profiles-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "profiles:\n  - name: shop\n    hosts: [shop.example]\n    fields: { title: '.t' }\n");
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            new ExtractorModule().ConfigureServices(services, new ConfigurationBuilder().AddInMemoryCollection([new("Extractor:ProfilesPath", path)]).Build());
            using var provider = services.BuildServiceProvider();

            var listing = provider.GetRequiredService<ListingExtractor>().Extract("<html><body><p class=\"t\">Parrot</p></body></html>", new Uri("https://shop.example/1"));

            Assert.That(listing?.Source, Is.EqualTo("profile:shop"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
