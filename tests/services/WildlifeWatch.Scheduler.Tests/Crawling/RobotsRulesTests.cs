using WildlifeWatch.Scheduler.Crawling;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class RobotsRulesTests
{
    private const string Robots = """
        # comment
        User-agent: *
        Disallow: /account/
        Disallow: /cart
        Allow: /account/public$
        Crawl-delay: 2

        User-agent: BadBot
        Disallow: /
        """;

    [TestCase("/", true)]
    [TestCase("/item/1", true)]
    [TestCase("/account/login", false)]
    [TestCase("/account/public", true)]
    [TestCase("/account/public/more", false)]
    [TestCase("/cart", false)]
    [TestCase("/cart?x=1", false)]
    [TestCase("/carts-and-wagons", false)]
    public void The_star_group_applies_to_our_agent(string path, bool allowed)
    {
        var rules = RobotsRules.Parse(Robots, "WildlifeTradeWatch");

        Assert.That(rules.IsAllowed(new Uri("http://m.example" + path)), Is.EqualTo(allowed));
    }

    [Test]
    public void A_group_naming_the_agent_wins_over_the_star_group()
    {
        var rules = RobotsRules.Parse(Robots, "BadBot/2.0");

        Assert.That(rules.IsAllowed(new Uri("http://m.example/item/1")), Is.False);
    }

    [Test]
    public void Crawl_delay_is_read()
    {
        Assert.That(RobotsRules.Parse(Robots, "WildlifeTradeWatch").CrawlDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void Wildcards_and_end_anchors_match()
    {
        var rules = RobotsRules.Parse("User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*sort=", "x");

        Assert.That(rules.IsAllowed(new Uri("http://m.example/docs/a.pdf")), Is.False);
        Assert.That(rules.IsAllowed(new Uri("http://m.example/docs/a.pdf?x=1")), Is.True);
        Assert.That(rules.IsAllowed(new Uri("http://m.example/search?q=a&sort=price")), Is.False);
        Assert.That(rules.IsAllowed(new Uri("http://m.example/search?q=a")), Is.True);
    }

    [Test]
    public void An_empty_file_allows_everything()
    {
        Assert.That(RobotsRules.Parse(string.Empty, "x").IsAllowed(new Uri("http://m.example/account/")), Is.True);
    }
}
