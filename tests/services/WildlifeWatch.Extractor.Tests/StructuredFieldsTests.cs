namespace WildlifeWatch.Extractor.Tests;

/// <summary>Seller profile, location, posting date, images and breadcrumbs from each reader and from a site profile.</summary>
public sealed class StructuredFieldsTests
{
    private static readonly Uri Page = new("https://market.example/item/42");

    [Test]
    public void JsonLd_gives_seller_profile_location_date_categories_and_images()
    {
        const string Html =
            """
            <html><head><script type="application/ld+json">
            [{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[
               {"@type":"ListItem","position":2,"name":"Carvings","item":"https://market.example/c/carvings"},
               {"@type":"ListItem","position":1,"name":"Antiques","item":"https://market.example/c/antiques"}]},
             {"@context":"https://schema.org","@type":"Product","name":"Old bangle","description":"Heavy, creamy colour.",
              "image":["/img/a.jpg",{"@type":"ImageObject","url":"https://cdn.market.example/b.jpg"}],
              "datePublished":"2025-11-07",
              "offers":{"@type":"Offer","price":"1200","priceCurrency":"EUR",
                "availableAtOrFrom":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"Lyon","addressCountry":"FR"}},
                "seller":{"@type":"Person","name":"Brocante Lola","url":"/u/brocante-lola"}}}]
            </script></head><body><h1>Old bangle</h1></body></html>
            """;

        var listing = new ListingExtractor().Extract(Html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Source, Is.EqualTo("json-ld"));
            Assert.That((listing.Seller, listing.SellerUrl), Is.EqualTo(("Brocante Lola", "https://market.example/u/brocante-lola")));
            Assert.That(listing.Location, Is.EqualTo("Lyon, FR"));
            Assert.That(listing.PostedAt, Is.EqualTo(new DateTimeOffset(2025, 11, 7, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(listing.Categories, Is.EqualTo(new[] { "Antiques", "Carvings" }));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/img/a.jpg", "https://cdn.market.example/b.jpg" }));
        });
    }

    [Test]
    public void Microdata_gives_seller_profile_date_and_categories_and_the_page_its_location()
    {
        const string Html =
            """
            <html><body>
            <ol itemscope itemtype="https://schema.org/BreadcrumbList">
              <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a href="/"><span itemprop="name">Home</span></a></li>
              <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><span itemprop="name">Đồ cổ</span></li>
            </ol>
            <article itemscope itemtype="https://schema.org/Product">
              <h1 itemprop="name">Vòng tay cổ</h1>
              <img itemprop="image" src="/img/v1.jpg">
              <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
                <span itemprop="price" content="3500000">3.500.000 ₫</span><meta itemprop="priceCurrency" content="VND">
                <a itemprop="seller" href="/shop/ba-tu">Bà Tư</a>
              </div>
              <meta itemprop="datePublished" content="2025-10-01T08:30:00+07:00">
              <span class="location">Hà Nội</span>
            </article></body></html>
            """;

        var listing = new ListingExtractor().Extract(Html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Source, Is.EqualTo("microdata"));
            Assert.That((listing.Seller, listing.SellerUrl), Is.EqualTo(("Bà Tư", "https://market.example/shop/ba-tu")));
            Assert.That(listing.PostedAt, Is.EqualTo(new DateTimeOffset(2025, 10, 1, 1, 30, 0, TimeSpan.Zero)));
            Assert.That(listing.Categories, Is.EqualTo(new[] { "Đồ cổ" }));
            Assert.That(listing.Location, Is.EqualTo("Hà Nội"));
        });
    }

    [Test]
    public void OpenGraph_listings_get_breadcrumbs_seller_link_and_date_from_the_page_markup()
    {
        const string Html =
            """
            <html><head>
              <meta property="og:type" content="product"><meta property="og:title" content="Tiger claw pendant">
              <meta property="og:image" content="https://market.example/img/claw.jpg">
              <meta property="product:price:amount" content="80"><meta property="product:price:currency" content="USD">
            </head><body>
              <nav aria-label="breadcrumb"><a href="/">Home</a> / <a href="/c/jewellery">Jewellery</a> / <a href="/c/pendants">Pendants</a></nav>
              <main><h1>Tiger claw pendant</h1><p>Sold by <a class="seller-link" href="/u/42">Claw King</a>,
              posted <time class="posted" datetime="2025-09-30">30 Sep</time></p></main>
            </body></html>
            """;

        var listing = new ListingExtractor().Extract(Html, Page)!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Source, Is.EqualTo("opengraph"));
            Assert.That(listing.Categories, Is.EqualTo(new[] { "Jewellery", "Pendants" }));
            Assert.That(listing.SellerUrl, Is.EqualTo("https://market.example/u/42"));
            Assert.That(listing.PostedAt, Is.EqualTo(new DateTimeOffset(2025, 9, 30, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://market.example/img/claw.jpg" }));
        });
    }

    private const string ProfileYaml =
        """
        profiles:
          - name: bazar
            hosts: [ bazar.example, www.bazar.example ]
            country: th
            fields:
              title: ".ad-head .ad-title"
              description: "#ad-body"
              price: ".ad-price @data-amount"
              currency: ".ad-price @data-cur"
              seller: ".poster .name"
              sellerUrl: ".poster a.profile @href"
              location: ".ad-where"
              postedAt: ".ad-when @data-ts"
              images: ".photos img @data-full"
              categories: ".path span"
        """;

    private const string ProfilePage =
        """
        <html><body><div class="path"><span>สัตว์เลี้ยง</span><span>นก</span></div>
        <div class="ad-head"><div class="ad-title">นกแก้วแอฟริกันเกรย์</div></div>
        <div id="ad-body">เชื่อง พูดได้ ไลน์: parrot.bkk</div>
        <div class="ad-price" data-amount="45000" data-cur="THB">฿45,000</div>
        <div class="poster"><span class="name">Bird Home</span><a class="profile" href="/member/77">profile</a></div>
        <div class="ad-where">Bangkok</div><div class="ad-when" data-ts="2025-08-15T10:00:00Z">yesterday</div>
        <div class="photos"><img src="/t/1.jpg" data-full="/f/1.jpg"><img src="/t/2.jpg" data-full="/f/2.jpg"></div>
        </body></html>
        """;

    [Test]
    public void A_site_profile_reads_every_field_by_its_selectors_on_its_own_site()
    {
        var extractor = new ListingExtractor(SiteProfiles.Parse(ProfileYaml, "test"));

        var listing = extractor.Extract(ProfilePage, new Uri("https://www.bazar.example/ad/9"))!;

        Assert.Multiple(() =>
        {
            Assert.That(listing.Source, Is.EqualTo("profile:bazar"));
            Assert.That((listing.Title, listing.Description), Is.EqualTo(("นกแก้วแอฟริกันเกรย์", "เชื่อง พูดได้ ไลน์: parrot.bkk")));
            Assert.That((listing.Price, listing.Currency), Is.EqualTo(((decimal?)45000m, "THB")));
            Assert.That((listing.Seller, listing.SellerUrl), Is.EqualTo(("Bird Home", "https://www.bazar.example/member/77")));
            Assert.That((listing.Location, listing.PostedAt), Is.EqualTo(("Bangkok", (DateTimeOffset?)new DateTimeOffset(2025, 8, 15, 10, 0, 0, TimeSpan.Zero))));
            Assert.That(listing.ImageUrls, Is.EqualTo(new[] { "https://www.bazar.example/f/1.jpg", "https://www.bazar.example/f/2.jpg" }));
            Assert.That(listing.Categories, Is.EqualTo(new[] { "สัตว์เลี้ยง", "นก" }));
            Assert.That(listing.Country, Is.EqualTo("TH"));
        });
    }

    [Test]
    public void A_profile_is_not_used_on_other_sites() =>
        Assert.That(new ListingExtractor(SiteProfiles.Parse(ProfileYaml, "test")).Extract(ProfilePage, new Uri("https://other.example/ad/9")), Is.Null);

    [TestCase("profiles:\n  - name: x\n    hosts: [a.example]\n    fields: { price: '.p' }\n", "title", TestName = "A_profile_without_a_title_selector_is_refused")]
    [TestCase("profiles:\n  - name: x\n    hosts: [a.example]\n    fields: { title: 'h1', colour: '.c' }\n", "colour", TestName = "An_unknown_field_is_refused")]
    [TestCase("profiles:\n  - name: x\n    hosts: []\n    fields: { title: 'h1' }\n", "host", TestName = "A_profile_without_hosts_is_refused")]
    public void Invalid_profiles_are_refused_with_the_reason(string yaml, string reason) =>
        Assert.That(() => SiteProfiles.Parse(yaml, "bad.yaml"), Throws.TypeOf<InvalidDataException>().With.Message.Contains(reason));
}
