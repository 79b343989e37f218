using AngleSharp.Dom;

namespace WildlifeWatch.Extractor;

/// <summary>OpenGraph product tags (<c>og:type</c> product, <c>product:price:amount</c>, ...).</summary>
internal static class OpenGraphReader
{
    public static ProductFields? Read(IDocument document, Uri baseUri)
    {
        var type = Meta(document, "og:type").FirstOrDefault()?.Trim();
        if (type is null || !(type.Equals("product", StringComparison.OrdinalIgnoreCase)
            || type.Equals("product.item", StringComparison.OrdinalIgnoreCase)
            || type.Equals("og:product", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var price = PriceParser.ParseStructured(
            Meta(document, "product:price:amount").Concat(Meta(document, "og:price:amount")).FirstOrDefault(), baseUri);
        var currency = PriceParser.NormalizeCurrency(
            Meta(document, "product:price:currency").Concat(Meta(document, "og:price:currency")).FirstOrDefault(), baseUri) ?? price?.Currency;

        return new ProductFields(
            "opengraph",
            Title: TextClean.Collapse(Meta(document, "og:title").FirstOrDefault()),
            Description: TextClean.Collapse(Meta(document, "og:description").FirstOrDefault()),
            Price: price?.Amount,
            Currency: price is null ? null : currency,
            Seller: TextClean.Collapse(Meta(document, "product:retailer_title").FirstOrDefault()),
            ImageUrls: TextClean.DistinctUrls(baseUri,
                Meta(document, "og:image").Concat(Meta(document, "og:image:url")).Concat(Meta(document, "og:image:secure_url"))));
    }

    /// <summary>Values of a meta tag by <c>property</c>, or by <c>name</c> as many sites write it.</summary>
    internal static IEnumerable<string> Meta(IDocument document, string key) =>
        document.QuerySelectorAll("meta[content]")
            .Where(m => string.Equals(m.GetAttribute("property")?.Trim(), key, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.GetAttribute("name")?.Trim(), key, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.GetAttribute("content")!);
}
