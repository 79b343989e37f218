using WildlifeWatch.Scheduler.Crawling;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class RemovalDetectorTests
{
    private static readonly Uri Listing = new("https://shop.example/item/42-ivory-bangle");

    [TestCase(404, "HTTP 404")]
    [TestCase(410, "HTTP 410")]
    [TestCase(503, null)]
    [TestCase(429, null)]
    [TestCase(null, null)]
    public void Only_not_found_and_gone_answers_mean_removed(int? status, string? expected) =>
        Assert.That(RemovalDetector.FromStatus(status), Is.EqualTo(expected));

    [TestCase("Sorry — THIS LISTING HAS BEEN REMOVED by the seller.")]
    [TestCase("Cette annonce n’est plus disponible")]
    [TestCase("Este anuncio ya no esta disponible")] // without the accent
    [TestCase("抱歉，商品已下架")]
    [TestCase("Tin đăng đã bị xóa")]
    [TestCase("Объявление снято с публикации")]
    public void A_removal_text_in_any_of_the_default_languages_is_recognised(string text) =>
        Assert.That(RemovalDetector.FromCapture(Listing, Listing, "Shop header\n" + text + "\nFooter"), Does.StartWith("page says"));

    [TestCase("Carved ivory bangle, 120 g, ships worldwide. Removed from its box only for the photos.")]
    [TestCase("Listing: vintage lamp, available now")]
    public void A_live_listing_is_not_taken_for_removed(string text) =>
        Assert.That(RemovalDetector.FromCapture(Listing, Listing, text), Is.Null);

    [Test]
    public void A_seed_marker_replaces_the_defaults()
    {
        Assert.That(RemovalDetector.FromCapture(Listing, Listing, "Ce produit a été retiré", ["a été retiré"]), Is.Not.Null);
        Assert.That(RemovalDetector.FromCapture(Listing, Listing, "This listing has been removed", ["a été retiré"]), Is.Null);
    }

    [TestCase("https://shop.example/", true)]
    [TestCase("https://shop.example/search?q=ivory", true)]
    [TestCase("https://shop.example/c/jewellery?keyword=bangle", true)]
    [TestCase("https://shop.example/item/42-ivory-bangle/", false)]
    [TestCase("https://shop.example/item/42-ivory-bangle?variant=2", false)]
    [TestCase("https://shop.example/c/jewellery", false)]
    public void A_redirect_to_a_search_or_home_page_means_removed(string final, bool removed) =>
        Assert.That(RemovalDetector.FromCapture(Listing, new Uri(final), "Welcome"), removed ? Does.StartWith("redirected to") : Is.Null);
}
