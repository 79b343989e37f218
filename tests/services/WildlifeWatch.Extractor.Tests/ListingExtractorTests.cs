namespace WildlifeWatch.Extractor.Tests;

public sealed class ListingExtractorTests
{
    private static readonly Uri Page = new("https://market.example/items/ivory-bangle-17?ref=home");
    private readonly ListingExtractor _extractor = new();

    [Test]
    public void Json_ld_product_object_gives_every_field()
    {
        const string html =
            """
            <html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@type":"Product","name":"  Antique   carved bangle &amp; box ",
             "description":"Old stock.\n  Very   rare.","image":["/img/1.jpg","https://cdn.example/2.jpg","/img/1.jpg"],
             "offers":{"@type":"Offer","price":"1250.00","priceCurrency":"usd","seller":{"@type":"Person","name":"oldtrader77"}}}
            </script></head><body><h1>ignored heading</h1></body></html>
            """;

        var listing = _extractor.Extract(html, Page);

        Assert.That(listing, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(listing!.Title, Is.EqualTo("Antique carved bangle & box"));
            Assert.That(listing.Description, Is.EqualTo("Old stock. Very rare."));
            Assert.That(listing.Price, Is.EqualTo(1250.00m));
            Assert.That(listing.Currency, Is.EqualTo("USD"));
            Assert.That(listing.Seller, Is.EqualTo("oldtrader77"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/img/1.jpg", "https://cdn.example/2.jpg" }));
            Assert.That(listing.Source, Is.EqualTo("json-ld"));
        });
    }

    [Test]
    public void Json_ld_array_with_offer_array_and_image_object_is_read()
    {
        const string html =
            """
            <script type="application/ld+json">
            [{"@type":"BreadcrumbList","itemListElement":[]},
             {"@type":["Product"],"name":"Hawksbill comb","image":{"@type":"ImageObject","url":"https://cdn.example/comb.jpg"},
              "seller":"Mai's shop",
              "offers":[{"@type":"Offer","price":450000,"priceCurrency":"VND"},{"@type":"Offer","price":500000,"priceCurrency":"VND"}]}]
            </script>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Hawksbill comb"));
            Assert.That(listing.Price, Is.EqualTo(450000m));
            Assert.That(listing.Currency, Is.EqualTo("VND"));
            Assert.That(listing.Seller, Is.EqualTo("Mai's shop"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://cdn.example/comb.jpg" }));
        });
    }

    [Test]
    public void Json_ld_graph_product_is_found_beside_other_entities()
    {
        const string html =
            """
            <script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Market"},
              {"@type":"WebPage","name":"Item page"},
              {"@type":"schema:Product","name":"Pangolin scale pendant","description":"Handmade",
               "offers":{"@type":"AggregateOffer","lowPrice":"35.5","priceCurrency":"EUR","offeredBy":{"name":"Shop 9"}}}]}
            </script>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Pangolin scale pendant"));
            Assert.That(listing.Description, Is.EqualTo("Handmade"));
            Assert.That(listing.Price, Is.EqualTo(35.5m));
            Assert.That(listing.Currency, Is.EqualTo("EUR"));
            Assert.That(listing.Seller, Is.EqualTo("Shop 9"));
        });
    }

    [Test]
    public void Json_ld_item_list_of_products_is_not_a_listing()
    {
        const string html =
            """
            <script type="application/ld+json">
            {"@type":"ItemList","itemListElement":[
              {"@type":"ListItem","position":1,"item":{"@type":"Product","name":"A","offers":{"price":"10","priceCurrency":"USD"}}},
              {"@type":"ListItem","position":2,"item":{"@type":"Product","name":"B","offers":{"price":"20","priceCurrency":"USD"}}}]}
            </script>
            <h1>Carvings</h1><div class="price">$10</div><div class="price">$20</div>
            """;

        Assert.That(_extractor.Extract(html, Page), Is.Null);
    }

    [Test]
    public void Broken_json_ld_falls_through_to_the_other_sources()
    {
        const string html =
            """
            <head><script type="application/ld+json">{"@type":"Product", "name": </script>
            <meta property="og:type" content="product"><meta property="og:title" content="Rhino horn cup"></head>
            """;

        Assert.That(_extractor.Extract(html, Page)?.Title, Is.EqualTo("Rhino horn cup"));
    }

    [Test]
    public void Microdata_product_gives_every_field()
    {
        const string html =
            """
            <div itemscope itemtype="https://schema.org/Product">
              <h1 itemprop="name">Tortoiseshell   hair clip</h1>
              <img itemprop="image" src="/p/clip.jpg" alt="">
              <p itemprop="description">Vintage, <b>genuine</b> shell.</p>
              <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
                <span itemprop="price" content="1250.00">1,250.00</span>
                <meta itemprop="priceCurrency" content="GBP">
                <div itemprop="seller" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Curio House</span></div>
              </div>
              <div itemprop="isSimilarTo" itemscope itemtype="https://schema.org/Product"><span itemprop="name">Other clip</span></div>
            </div>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Tortoiseshell hair clip"));
            Assert.That(listing.Description, Is.EqualTo("Vintage, genuine shell."));
            Assert.That(listing.Price, Is.EqualTo(1250.00m));
            Assert.That(listing.Currency, Is.EqualTo("GBP"));
            Assert.That(listing.Seller, Is.EqualTo("Curio House"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/p/clip.jpg" }));
            Assert.That(listing.Source, Is.EqualTo("microdata"));
        });
    }

    [Test]
    public void Open_graph_product_gives_every_field()
    {
        const string html =
            """
            <html><head>
            <meta property="og:type" content="product">
            <meta property="og:title" content="Elephant ivory chopsticks">
            <meta property="og:description" content="Set of 2 &mdash; old">
            <meta property="og:image" content="https://cdn.example/chop.jpg">
            <meta property="og:image" content="//cdn.example/chop2.jpg">
            <meta property="product:price:amount" content="1200">
            <meta property="product:price:currency" content="JPY">
            </head><body></body></html>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Elephant ivory chopsticks"));
            Assert.That(listing.Description, Is.EqualTo("Set of 2 \u2014 old"));
            Assert.That(listing.Price, Is.EqualTo(1200m));
            Assert.That(listing.Currency, Is.EqualTo("JPY"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://cdn.example/chop.jpg", "https://cdn.example/chop2.jpg" }));
            Assert.That(listing.Source, Is.EqualTo("opengraph"));
        });
    }

    [Test]
    public void Open_graph_fills_what_json_ld_left_out()
    {
        const string html =
            """
            <head><script type="application/ld+json">{"@type":"Product","name":"Shark fin, dried"}</script>
            <meta property="og:type" content="product"><meta property="og:image" content="/fin.jpg">
            <meta property="product:price:amount" content="99.90"><meta property="product:price:currency" content="EUR"></head>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Shark fin, dried"));
            Assert.That(listing.Price, Is.EqualTo(99.90m));
            Assert.That(listing.Currency, Is.EqualTo("EUR"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/fin.jpg" }));
            Assert.That(listing.Source, Is.EqualTo("json-ld"));
        });
    }

    [Test]
    public void Fallback_reads_a_plain_page_with_one_heading_and_one_price()
    {
        const string html =
            """
            <html><head><meta name="description" content="Seen at the coast"></head><body>
            <nav><a href="/">Home</a></nav>
            <article class="listing">
              <h1> Live  parrot, young </h1>
              <img src="/photos/parrot.jpg">
              <div class="item-price">Price: 1.250,00 €</div>
              <div class="seller-name">Seller: birdman_22</div>
              <div class="description">Tame and talking.</div>
            </article>
            <footer><img src="/logo.png"></footer>
            </body></html>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Live parrot, young"));
            Assert.That(listing.Description, Is.EqualTo("Tame and talking."));
            Assert.That(listing.Price, Is.EqualTo(1250.00m));
            Assert.That(listing.Currency, Is.EqualTo("EUR"));
            Assert.That(listing.Seller, Is.EqualTo("birdman_22"));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/photos/parrot.jpg" }));
            Assert.That(listing.Source, Is.EqualTo("fallback"));
        });
    }

    [Test]
    public void Fallback_finds_a_price_in_the_page_text_when_no_element_names_it()
    {
        const string html = "<body><h1>Python skin belt</h1><p>Only 12.000.000 ₫, call now</p><script>var x = '$5';</script></body>";

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Price, Is.EqualTo(12_000_000m));
            Assert.That(listing.Currency, Is.EqualTo("VND"));
        });
    }

    [TestCase("<html><body><h1>Welcome to the market</h1><p>Browse our categories.</p></body></html>", TestName = "Home_page_without_a_price_is_not_a_listing")]
    [TestCase("<html><body><h1>Carvings</h1><ul><li>Bangle <span class=price>$120</span></li><li>Comb <span class=price>$80</span></li></ul></body></html>", TestName = "Category_page_with_many_prices_is_not_a_listing")]
    [TestCase("<html><body><h1>Search: ivory</h1><h1>Results</h1><p>$120</p></body></html>", TestName = "Page_with_two_headings_is_not_a_listing")]
    [TestCase("<html><body><main><h1>Listings by Reptilandia</h1><ul class=\"cards\"><li class=\"card\"><a href=\"/item/7\"><span class=\"title\">Star tortoise</span></a><span class=\"price\">$450</span></li></ul></main></body></html>", TestName = "A_seller_page_listing_a_single_priced_card_is_not_a_listing")]
    [TestCase("<html><body><h1>Results for tortoise</h1><div class=\"result\"><a href=\"/item/7\">Star tortoise</a> <b class=\"price\">450 USD</b></div></body></html>", TestName = "A_search_page_with_one_result_is_not_a_listing")]
    [TestCase("<html><body><h1>Our prices</h1><p>Shipping costs 120 and up.</p></body></html>", TestName = "Price_without_a_currency_is_not_enough_for_the_fallback")]
    [TestCase("<html><head><meta property='og:type' content='website'><meta property='og:title' content='Market'></head><body></body></html>", TestName = "Open_graph_website_is_not_a_listing")]
    [TestCase("", TestName = "Empty_page_is_not_a_listing")]
    public void Pages_that_are_not_a_single_listing_give_null(string html) =>
        Assert.That(_extractor.Extract(html, Page), Is.Null);

    [Test]
    public void Script_in_a_description_is_returned_as_text_and_never_run()
    {
        const string html =
            """
            <html><body>
            <div itemscope itemtype="http://schema.org/Product">
              <h1 itemprop="name">Bear bile &lt;b&gt;pure&lt;/b&gt;</h1>
              <div itemprop="description">Best quality &lt;script&gt;document.title='pwned'&lt;/script&gt;<script>document.body.innerHTML='<h1>pwned</h1>'</script> <img src=x onerror="alert(1)"></div>
            </div>
            <script>document.querySelector('h1').textContent = 'changed by script';</script>
            </body></html>
            """;

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Bear bile <b>pure</b>"), "entities decoded, markup kept as text, script not run");
            Assert.That(listing.Description, Does.StartWith("Best quality <script>document.title='pwned'</script>"));
            Assert.That(listing.Description, Does.Not.Contain("changed by script"));
        });
    }

    [Test]
    public void Json_ld_description_with_markup_is_kept_as_text()
    {
        // "<\/script>" is how JSON-LD must write it: a literal "</script>" would end the script element.
        const string html =
            """<script type="application/ld+json">{"@type":"Product","name":"Ivory &amp; bone","description":"<script>alert(1)<\/script> &lt;ok&gt;"}</script>""";

        var listing = _extractor.Extract(html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Title, Is.EqualTo("Ivory & bone"));
            Assert.That(listing.Description, Is.EqualTo("<script>alert(1)</script> <ok>"));
        });
    }

    [Test]
    public void Base_href_is_used_to_resolve_images()
    {
        const string html =
            """<head><base href="https://static.example/shop/"><meta property="og:type" content="product"><meta property="og:title" content="T"><meta property="og:image" content="a.jpg"></head>""";

        Assert.That(_extractor.Extract(html, Page)!.ImageUrls, Is.EqualTo(new[] { "https://static.example/shop/a.jpg" }));
    }
}
