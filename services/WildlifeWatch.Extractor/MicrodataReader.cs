using AngleSharp.Dom;

namespace WildlifeWatch.Extractor;

/// <summary>schema.org Product in HTML microdata (<c>itemscope itemtype=".../Product"</c>).</summary>
internal static class MicrodataReader
{
    private static readonly string[] DateKeys = ["datePosted", "datePublished", "releaseDate"];

    public static ProductFields? Read(IDocument document, Uri baseUri)
    {
        var products = document.QuerySelectorAll("[itemscope][itemtype]")
            .Where(e => HasType(e, "Product") || HasType(e, "IndividualProduct"))
            // A product inside another product (related items) is not the listing.
            .Where(e => !Ancestors(e).Any(a => a.HasAttribute("itemscope") && (HasType(a, "Product") || HasType(a, "IndividualProduct"))))
            // Products inside a list are a category or search page.
            .Where(e => !Ancestors(e).Any(a => a.HasAttribute("itemscope") && (HasType(a, "ItemList") || HasType(a, "OfferCatalog"))))
            .ToList();
        if (products.Count != 1)
        {
            return null;
        }

        var product = products[0];
        var offer = Properties(product, "offers").FirstOrDefault(o => o.HasAttribute("itemscope"));
        var rawPrice = Value(offer is null ? null : Properties(offer, "price").FirstOrDefault(), baseUri)
            ?? Value(Properties(product, "price").FirstOrDefault(), baseUri);
        var price = PriceParser.ParseStructured(rawPrice, baseUri);
        var currency = PriceParser.NormalizeCurrency(
            Value(offer is null ? null : Properties(offer, "priceCurrency").FirstOrDefault(), baseUri)
            ?? Value(Properties(product, "priceCurrency").FirstOrDefault(), baseUri), baseUri) ?? price?.Currency;

        var sellerElement = (offer is null ? null : Properties(offer, "seller").FirstOrDefault()) ?? Properties(product, "seller").FirstOrDefault();
        var seller = sellerElement is null
            ? null
            : sellerElement.HasAttribute("itemscope")
                ? Value(Properties(sellerElement, "name").FirstOrDefault(), baseUri)
                // A seller written as a link names the seller in its text; its href is the profile (below).
                : sellerElement.LocalName == "a" ? sellerElement.TextContent : Value(sellerElement, baseUri);

        var sellerUrl = sellerElement is null
            ? null
            : sellerElement.HasAttribute("itemscope")
                ? Value(Properties(sellerElement, "url").FirstOrDefault(), baseUri)
                : sellerElement.LocalName == "a" ? TextClean.AbsoluteUrl(baseUri, sellerElement.GetAttribute("href")) : null;
        var posted = DateKeys
            .Select(k => Value(Properties(product, k).FirstOrDefault(), baseUri))
            .Select(PageExtras.ParseDate).FirstOrDefault(d => d is not null);

        return new ProductFields(
            "microdata",
            Title: TextClean.Collapse(Value(Properties(product, "name").FirstOrDefault(), baseUri)),
            Description: TextClean.Collapse(Value(Properties(product, "description").FirstOrDefault(), baseUri)),
            Price: price?.Amount,
            Currency: price is null ? null : currency,
            Seller: TextClean.Collapse(seller),
            ImageUrls: TextClean.DistinctUrls(baseUri, Properties(product, "image").Select(i => Value(i, baseUri))),
            SellerUrl: TextClean.AbsoluteUrl(baseUri, sellerUrl),
            PostedAt: posted,
            Categories: Properties(product, "category").SelectMany(c => PageExtras.SplitCategoryPath(TextClean.Collapse(Value(c, baseUri)))).ToList());
    }

    /// <summary>Names of a microdata BreadcrumbList's items, in document order.</summary>
    internal static IReadOnlyList<string> Breadcrumbs(IDocument document, Uri baseUri)
    {
        var list = document.QuerySelectorAll("[itemscope][itemtype]").FirstOrDefault(e => HasType(e, "BreadcrumbList"));
        return list is null
            ? []
            : Properties(list, "itemListElement")
                .Select(item => item.HasAttribute("itemscope") ? Value(Properties(item, "name").FirstOrDefault(), baseUri) : Value(item, baseUri))
                .Select(TextClean.Collapse).OfType<string>().ToList();
    }

    private static bool HasType(IElement element, string type) =>
        (element.GetAttribute("itemtype") ?? string.Empty)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Any(t => t.TrimEnd('/').EndsWith("schema.org/" + type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<IElement> Ancestors(IElement element)
    {
        for (var parent = element.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            yield return parent;
        }
    }

    /// <summary>The elements that carry <paramref name="name"/> for this item, not for an item nested in it.</summary>
    private static IEnumerable<IElement> Properties(IElement scope, string name) =>
        scope.QuerySelectorAll("[itemprop]")
            .Where(e => (e.GetAttribute("itemprop") ?? string.Empty)
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Any(p => p.Equals(name, StringComparison.Ordinal) || p.EndsWith("/" + name, StringComparison.Ordinal)))
            .Where(e => NearestScope(e) == scope);

    private static IElement? NearestScope(IElement element)
    {
        for (var parent = element.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            if (parent.HasAttribute("itemscope"))
            {
                return parent;
            }
        }

        return null;
    }

    /// <summary>A property's value by the microdata rules, with the common <c>content</c> attribute honoured on any element.</summary>
    private static string? Value(IElement? element, Uri baseUri)
    {
        if (element is null)
        {
            return null;
        }

        if (element.GetAttribute("content") is { } content)
        {
            return content;
        }

        return element.LocalName switch
        {
            "img" or "audio" or "video" or "source" or "embed" or "iframe" or "track" => TextClean.AbsoluteUrl(baseUri, element.GetAttribute("src")),
            "a" or "area" or "link" => TextClean.AbsoluteUrl(baseUri, element.GetAttribute("href")),
            "object" => TextClean.AbsoluteUrl(baseUri, element.GetAttribute("data")),
            "data" or "meter" => element.GetAttribute("value"),
            "time" => element.GetAttribute("datetime") ?? element.TextContent,
            _ => element.TextContent,
        };
    }
}
