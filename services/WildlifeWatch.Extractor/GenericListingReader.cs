using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace WildlifeWatch.Extractor;

/// <summary>
/// The last resort for pages without structured data. It speaks only when the page plainly looks like
/// one item for sale: a single heading and a single price with its currency. A category page, with many
/// prices, stays silent: a wrong listing is worse than a missed one.
/// </summary>
internal static partial class GenericListingReader
{
    public static ProductFields? Read(IDocument document, Uri baseUri)
    {
        var headings = document.QuerySelectorAll("h1").Where(h => TextClean.Collapse(h.TextContent) is not null).ToList();
        if (headings.Count != 1)
        {
            return null;
        }

        var heading = headings[0];
        var priced = PriceElements(document).Where(e => PriceParser.Find(e.TextContent, baseUri, requireCurrency: true) is not null).ToList();

        // A price in a list item, a link or a card belongs to an entry of a results or seller page, even
        // when that page happens to list a single item: such a page is not itself a listing.
        if (priced.Any(InsideAnEntry))
        {
            return null;
        }

        var prices = priced
            .Select(e => PriceParser.Find(e.TextContent, baseUri, requireCurrency: true))
            .Where(p => p is not null)
            .Select(p => p!.Value)
            .Distinct()
            .ToList();
        if (prices.Count == 0)
        {
            // No element says "price": look at the text the page shows, outside scripts and styles.
            prices = PriceParser.FindAll(VisibleText(document.Body), baseUri).Where(p => p.Currency is not null).Distinct().ToList();
        }

        if (prices.Count != 1)
        {
            return null;
        }

        var container = Ancestors(heading).FirstOrDefault(a => a.LocalName is "article" or "main"
            || Marked(a, "listing") || Marked(a, "product") || Marked(a, "item")) ?? document.Body;

        return new ProductFields(
            "fallback",
            Title: TextClean.Collapse(heading.TextContent),
            Description: TextClean.Collapse(Marked(document, "description").Select(e => e.TextContent).FirstOrDefault())
                ?? TextClean.Collapse(OpenGraphReader.Meta(document, "description").FirstOrDefault()),
            Price: prices[0].Amount,
            Currency: prices[0].Currency,
            Seller: Seller(document),
            ImageUrls: container is null ? [] : TextClean.DistinctUrls(baseUri, container.QuerySelectorAll("img[src]").Select(i => i.GetAttribute("src"))));
    }

    private static IEnumerable<IElement> PriceElements(IDocument document) =>
        document.QuerySelectorAll("[itemprop~=price], [class*=price i], [id*=price i], [data-price]")
            // The innermost element that names a price, so a wrapper and its child are not read twice.
            .Where(e => !e.QuerySelectorAll("[class*=price i], [id*=price i]").Any());

    private static bool InsideAnEntry(IElement price) =>
        Ancestors(price).Prepend(price).Any(a => a.LocalName is "li" or "a" || Marked(a, "card") || Marked(a, "result"));

    private static string? Seller(IDocument document)
    {
        foreach (var element in Marked(document, "seller").Concat(Marked(document, "vendor")))
        {
            var text = TextClean.Collapse(element.TextContent);
            if (text is { Length: > 0 and <= 120 })
            {
                return TextClean.Collapse(SellerLabel().Replace(text, string.Empty));
            }
        }

        return null;
    }

    private static IEnumerable<IElement> Marked(IDocument document, string word) =>
        document.QuerySelectorAll($"[class*={word} i], [id*={word} i]");

    private static bool Marked(IElement element, string word) =>
        (element.ClassName ?? string.Empty).Contains(word, StringComparison.OrdinalIgnoreCase)
        || element.Id?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;

    private static IEnumerable<IElement> Ancestors(IElement element)
    {
        for (var parent = element.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            yield return parent;
        }
    }

    private static string VisibleText(IElement? root)
    {
        if (root is null)
        {
            return string.Empty;
        }

        var parts = root.Descendants<IText>()
            .Where(t => t.ParentElement?.LocalName is not ("script" or "style" or "noscript" or "template"))
            .Select(t => t.Data);
        return string.Join(" ", parts);
    }

    [GeneratedRegex(@"^(seller|sold by|vendor|shop|store)\s*:?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex SellerLabel();
}
