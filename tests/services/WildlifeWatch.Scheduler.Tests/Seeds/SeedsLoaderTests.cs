using WildlifeWatch.Scheduler.Seeds;

namespace WildlifeWatch.Scheduler.Tests.Seeds;

public sealed class SeedsLoaderTests
{
    [Test]
    public void Reads_a_yaml_seeds_file()
    {
        var set = SeedsLoader.Parse("""
            seeds:
              - id: market
                startUrls: [ "https://market.example/", "https://market.example/c/pets" ]
                allowedHosts: [ market.example ]
                maxDepth: 2
                excludePatterns: [ "/account/" ]
            """, isJson: false);

        var seed = set.Seeds.Single();
        Assert.That((seed.Id, seed.StartUrls.Count, seed.MaxDepth, seed.AllowedHosts.Single(), seed.RespectRobotsTxt),
            Is.EqualTo(("market", 2, 2, "market.example", true)));
    }

    [Test]
    public void Reads_a_json_seeds_file_and_round_trips_it()
    {
        var set = SeedsLoader.Parse("""{"seeds":[{"id":"a","startUrls":["http://127.0.0.1:9/"],"maxDepth":1}]}""", isJson: true);

        var again = SeedsLoader.FromJson(SeedsLoader.ToJson(set));

        Assert.That(again.Seeds.Single().StartUrls, Is.EqualTo(new[] { "http://127.0.0.1:9/" }));
        Assert.That(again.Seeds.Single().MaxDepth, Is.EqualTo(1));
    }

    [TestCase("seeds: []", "no seeds")]
    [TestCase("seeds:\n  - startUrls: [\"http://a/\"]", "'id' is required")]
    [TestCase("seeds:\n  - id: a\n    startUrls: []", "'startUrls' needs at least one URL")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"/relative\"]", "not an absolute http(s) URL")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    maxDepth: 99", "'maxDepth' must be between 0 and 50")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    includePatterns: [\"(\"]", "not a valid regular expression")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n  - id: a\n    startUrls: [\"http://b/\"]", "used by another seed")]
    [TestCase("seeds: [ {", "not valid YAML")]
    public void Bad_seeds_are_refused_with_a_message_that_names_the_fault(string yaml, string expected)
    {
        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Parse(yaml, isJson: false, "seeds.yaml"));

        Assert.That(error!.Message, Does.Contain(expected).And.StartWith("seeds.yaml"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Load("no/such/seeds.yaml"));

        Assert.That(error!.Message, Does.Contain("no/such/seeds.yaml"));
    }
}
