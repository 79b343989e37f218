using WildlifeWatch.Detection;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Scheduler.Seeds;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class LinkScorerTests
{
    private static readonly LinkScorer Scorer = new(LexiconMatcher.LoadDefault());
    private static readonly CrawlScope Scope = new(new Seed { Id = "s", StartUrls = ["https://shop.example/"] }, new UrlNormalizer());

    [TestCase("https://shop.example/item/77-carved-ivory-bangle", "https://shop.example/item/78-brass-lamp")]
    [TestCase("https://shop.example/item/77-brass-lamp", "https://shop.example/c/home")]
    [TestCase("https://shop.example/search?q=rhino+horn", "https://shop.example/search?q=garden+chair")]
    [TestCase("https://shop.example/search?q=%E8%B1%A1%E7%89%99", "https://shop.example/search?q=%E6%A4%85%E5%AD%90")] // 象牙 (ivory) vs 椅子 (chair)
    [TestCase("https://shop.example/anuncio/cuerno-de-rinoceronte", "https://shop.example/anuncio/mesa-de-madera")]
    [TestCase("https://shop.example/item/1-pangolin-scales", "https://shop.example/item/1-faux-pangolin-plush-toy")]
    public void Ranks_the_likelier_wildlife_listing_higher(string likelier, string other) =>
        Assert.That(Score(likelier), Is.GreaterThan(Score(other)));

    [Test]
    public void Anchor_text_raises_a_link_whose_url_says_nothing()
    {
        var url = new Uri("https://shop.example/item/123456");

        Assert.That(Scorer.Score(url, 1, Scope, "Hawksbill turtle shell bracelet"), Is.GreaterThan(Scorer.Score(url, 1, Scope, "Wooden bracelet")));
    }

    [Test]
    public void Deeper_links_cost_a_little_and_scores_stay_below_a_start_url()
    {
        var url = new Uri("https://shop.example/item/1-ivory-tusk-rhino-horn-tiger-bone-pangolin");

        Assert.That(Scorer.Score(url, 1, Scope), Is.GreaterThan(Scorer.Score(url, 3, Scope)));
        Assert.That(Scorer.Score(url, 0, Scope), Is.LessThan(LinkScorer.StartPriority));
    }

    [Test]
    public void A_seed_listing_pattern_replaces_the_common_shapes()
    {
        var scope = new CrawlScope(new Seed { Id = "s", StartUrls = ["https://forum.example/"], ListingPatterns = ["^/t/"] }, new UrlNormalizer());

        Assert.That(scope.IsListing(new Uri("https://forum.example/t/selling-old-things")), Is.True);
        Assert.That(scope.IsListing(new Uri("https://forum.example/item/1")), Is.False);
    }

    [Test]
    public void Url_words_are_decoded_and_split_at_separators() =>
        Assert.That(LinkScorer.UrlWords(new Uri("https://shop.example/item/carved_ivory-bangle?q=%E8%B1%A1%E7%89%99&page=2")),
            Is.EqualTo("item carved ivory bangle 象牙 2"));

    private static double Score(string url) => Scorer.Score(new Uri(url), 1, Scope);
}
