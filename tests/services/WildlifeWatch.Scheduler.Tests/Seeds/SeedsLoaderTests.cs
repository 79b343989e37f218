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
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    renderMode: chrome", "'renderMode' must be one of browser, http, auto")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    revisitInterval: often", "'revisitInterval' must be between 1m and 365d")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    requestsPerMinute: 0", "'requestsPerMinute' must be above 0")]
    [TestCase("seeds:\n  - id: a\n    searchTemplates: [\"http://a/search?q=ivory\"]\n    keywords: { en: [x] }", "containing {keyword}")]
    [TestCase("seeds:\n  - id: a\n    searchTemplates: [\"http://a/search?q={keyword}\"]", "need keywords")]
    [TestCase("keywords: { english: [ivory] }\nseeds:\n  - id: a\n    startUrls: [\"http://a/\"]", "is not a language tag")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    cookies: [ { name: \"age gate\", value: ok } ]", "cookie 'age gate'")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    sitemaps: [ \"sitemap.xml\" ]", "sitemap 'sitemap.xml' is not an absolute")]
    [TestCase("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    maxDepht: 2", "not valid YAML")]
    public void Bad_seeds_are_refused_with_a_message_that_names_the_fault(string yaml, string expected)
    {
        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Parse(yaml, isJson: false, "seeds.yaml"));

        Assert.That(error!.Message, Does.Contain(expected).And.StartWith("seeds.yaml"));
    }

    [Test]
    public void An_error_names_the_line_of_the_field_at_fault()
    {
        const string Yaml = """
            seeds:
              - id: good
                startUrls: [ "https://a.example/" ]
              - id: bad
                startUrls: [ "https://b.example/" ]
                maxDepth: 2
                renderMode: headless
            """;

        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Parse(Yaml, isJson: false, "sites.yaml"));

        Assert.That(error!.Message, Does.StartWith("sites.yaml:7: seed #2 'bad': 'renderMode'"));
    }

    [Test]
    public void A_syntax_error_names_its_line()
    {
        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Parse("seeds:\n  - id: a\n    startUrls: [\"http://a/\"]\n    maxDepth: [1", isJson: false, "s.yaml"));

        Assert.That(error!.Message, Does.Match(@"^s\.yaml:[45]: not valid YAML"));
    }

    [Test]
    public void Reads_every_crawl_setting_of_a_seed()
    {
        var set = SeedsLoader.Parse("""
            keywords:
              en: [ ivory, rhino horn ]
              zh: [ 象牙 ]
            seeds:
              - id: shop
                searchTemplates: [ "https://shop.example/search?q={keyword}" ]
                keywords: { vi: [ ngà voi ] }
                renderMode: auto
                revisitInterval: 12h
                requestsPerMinute: 30
                sitemaps: [ "https://shop.example/sitemap.xml.gz" ]
                useRobotsSitemaps: false
                listingPatterns: [ "^/i/" ]
                cookies: [ { name: region, value: EU } ]
            """, isJson: false);

        var seed = set.Seeds.Single();
        Assert.That(seed.ExpandStartUrls(set.Keywords), Is.EqualTo(new[]
        {
            "https://shop.example/search?q=ivory", "https://shop.example/search?q=rhino%20horn",
            "https://shop.example/search?q=%E8%B1%A1%E7%89%99", "https://shop.example/search?q=ng%C3%A0%20voi",
        }));
        Assert.That((seed.RenderMode, seed.UseRobotsSitemaps, seed.Cookies.Single().Name, seed.ListingPatterns.Single()), Is.EqualTo(("auto", false, "region", "^/i/")));
        Assert.That(SeedsLoader.HostDelay(seed), Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(SeedsLoader.TryParseInterval(seed.RevisitInterval, out var revisit) ? revisit : TimeSpan.Zero, Is.EqualTo(TimeSpan.FromHours(12)));
        Assert.That(SeedsLoader.FromJson(SeedsLoader.ToJson(set)).Seeds.Single().ExpandStartUrls(set.Keywords), Has.Count.EqualTo(4), "the stored seeds keep everything");
    }

    [TestCase("90m", 90 * 60)]
    [TestCase("7d", 7 * 86_400)]
    [TestCase("1.00:00:00", 86_400)]
    [TestCase("30s", 30)]
    public void Intervals_are_read_in_short_and_long_forms(string text, int seconds)
    {
        Assert.That(SeedsLoader.TryParseInterval(text, out var interval), Is.True);
        Assert.That(interval, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void Every_seeds_file_the_project_ships_loads()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, "deploy", "seeds")))
        {
            folder = folder.Parent;
        }

        var files = Directory.GetFiles(Path.Combine(folder!.FullName, "deploy", "seeds"), "*.yaml");

        Assert.That(files, Is.Not.Empty);
        Assert.That(files.Select(f => SeedsLoader.Load(f).Seeds.Count), Is.All.GreaterThan(0));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<SeedsFileException>(() => SeedsLoader.Load("no/such/seeds.yaml"));

        Assert.That(error!.Message, Does.Contain("no/such/seeds.yaml"));
    }
}
