using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class CrawlScopeTests
{
    private readonly UrlNormalizer _normalizer = new();

    [Test]
    public void Without_allowed_hosts_the_start_urls_hosts_and_ports_are_the_scope()
    {
        var scope = new CrawlScope(new Seed { Id = "s", StartUrls = ["http://127.0.0.1:5080/"] }, _normalizer);

        Assert.That(scope.Allows(new Uri("http://127.0.0.1:5080/item/1")), Is.True);
        Assert.That(scope.Allows(new Uri("http://127.0.0.1:5081/item/1")), Is.False, "another port is another site");
        Assert.That(scope.Allows(new Uri("http://127.0.0.2:5080/about")), Is.False);
    }

    [Test]
    public void Include_and_exclude_patterns_apply_to_path_and_query()
    {
        var seed = new Seed
        {
            Id = "s",
            StartUrls = ["https://market.example/"],
            IncludePatterns = ["^/(item|c)/"],
            ExcludePatterns = ["[?&]sort="],
        };
        var scope = new CrawlScope(seed, _normalizer);

        Assert.That(scope.Allows(new Uri("https://market.example/item/9")), Is.True);
        Assert.That(scope.Allows(new Uri("https://market.example/c/pets?page=2")), Is.True);
        Assert.That(scope.Allows(new Uri("https://market.example/c/pets?sort=price")), Is.False);
        Assert.That(scope.Allows(new Uri("https://market.example/help")), Is.False);
    }

    [Test]
    public void Depth_is_bounded_by_the_seed()
    {
        var scope = new CrawlScope(new Seed { Id = "s", StartUrls = ["https://m.example/"], MaxDepth = 2 }, _normalizer);

        Assert.That(new[] { 0, 1, 2, 3 }.Select(scope.AllowsDepth), Is.EqualTo(new[] { true, true, true, false }));
    }
}
