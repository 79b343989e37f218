using System.Net;
using System.Text.Json;

namespace WildlifeWatch.Benchmarks;

/// <summary>A marketplace listing page as the fetcher captures one: JSON-LD, microdata and OpenGraph around the texts.</summary>
public static class ListingPages
{
    public static string Html(string title, string description, int i)
    {
        var t = WebUtility.HtmlEncode(title);
        var d = WebUtility.HtmlEncode(description);
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://schema.org", ["@type"] = "Product", ["name"] = title, ["description"] = description,
            ["image"] = new[] { $"/img/{i}-1.jpg", $"/img/{i}-2.jpg" },
            ["offers"] = new Dictionary<string, object> { ["@type"] = "Offer", ["price"] = "120", ["priceCurrency"] = "USD", ["seller"] = new Dictionary<string, string> { ["@type"] = "Person", ["name"] = "seller" + (i % 40) } },
        });
        return $"""
            <!doctype html><html><head><title>{t}</title><meta property="og:type" content="product"><meta property="og:title" content="{t}">
            <script type="application/ld+json">{json}</script></head><body>
            <nav class="breadcrumbs"><a href="/">Home</a> › <a href="/c/antiques">Antiques</a></nav>
            <article itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{t}</h1>
            <div class="gallery"><img itemprop="image" src="/img/{i}-1.jpg"><img itemprop="image" src="/img/{i}-2.jpg"></div>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price" content="120">$120</span>
            <meta itemprop="priceCurrency" content="USD"></div><div itemprop="description">{d}</div>
            <dl><dt>Seller</dt><dd><a class="seller" href="/u/{i % 40}">seller{i % 40}</a></dd><dt>Location</dt><dd><span class="location">Town</span></dd>
            <dt>Posted</dt><dd><time class="posted" datetime="2025-11-07">2025-11-07</time></dd></dl></article>
            <footer><a href="/help">Help</a> <a href="/terms">Terms</a></footer></body></html>
            """;
    }
}
