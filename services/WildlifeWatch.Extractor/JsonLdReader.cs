using System.Globalization;
using System.Text.Json;
using AngleSharp.Dom;

namespace WildlifeWatch.Extractor;

/// <summary>schema.org Product in JSON-LD: top-level objects, arrays, <c>@graph</c> and nested entities.</summary>
internal static class JsonLdReader
{
    private static readonly JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    // Containers that list many products: their products are what a category or search page shows.
    private static readonly HashSet<string> ListTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "ItemList", "OfferCatalog", "CollectionPage", "SearchResultsPage", "ListItem",
    };

    private static readonly string[] DateKeys = ["datePosted", "datePublished", "dateCreated", "releaseDate"];
    private static readonly string[] AddressKeys = ["addressLocality", "addressRegion", "addressCountry"];

    private static readonly HashSet<string> ProductTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Product", "IndividualProduct", "ProductModel", "SomeProducts",
    };

    public static ProductFields? Read(IDocument document, Uri baseUri)
    {
        var products = new List<JsonElement>();
        var documents = new List<JsonDocument>();
        try
        {
            foreach (var script in document.QuerySelectorAll("script"))
            {
                var type = script.GetAttribute("type")?.Split(';', 2)[0].Trim();
                if (!string.Equals(type, "application/ld+json", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                try
                {
                    var json = JsonDocument.Parse(script.TextContent.Trim(), Lenient);
                    documents.Add(json);
                    Collect(json.RootElement, products);
                }
                catch (JsonException)
                {
                    // Broken JSON-LD is common; the other sources still speak for the page.
                }
            }

            var distinct = products.DistinctBy(p => (Str(p, "name"), Str(p, "sku"), Str(p, "@id"))).ToList();
            if (distinct.Count == 0)
            {
                return null;
            }

            // Several different products on one page: this is not a single listing, unless one is the page itself.
            var product = distinct.Count == 1 ? distinct[0] : distinct.FirstOrDefault(p => IsThisPage(p, baseUri));
            return product.ValueKind == JsonValueKind.Object ? ToFields(product, baseUri) : null;
        }
        finally
        {
            foreach (var json in documents)
            {
                json.Dispose();
            }
        }
    }

    private static void Collect(JsonElement element, List<JsonElement> products)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, products);
                }

                break;
            case JsonValueKind.Object:
                var types = Types(element).ToList();
                if (types.Any(ProductTypes.Contains))
                {
                    // Not descended into: a product's related products are not the listing.
                    products.Add(element);
                    return;
                }

                if (types.Any(ListTypes.Contains))
                {
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        Collect(property.Value, products);
                    }
                }

                break;
        }
    }

    private static ProductFields ToFields(JsonElement product, Uri baseUri)
    {
        var offers = Items(Prop(product, "offers")).Where(o => o.ValueKind == JsonValueKind.Object).ToList();
        ParsedPrice? price = null;
        string? currency = null;
        foreach (var offer in offers)
        {
            var spec = Items(Prop(offer, "priceSpecification")).FirstOrDefault(s => s.ValueKind == JsonValueKind.Object);
            var raw = Scalar(Prop(offer, "price")) ?? Scalar(Prop(offer, "lowPrice"))
                ?? (spec.ValueKind == JsonValueKind.Object ? Scalar(Prop(spec, "price")) : null);
            price = PriceParser.ParseStructured(raw, baseUri);
            currency = PriceParser.NormalizeCurrency(Scalar(Prop(offer, "priceCurrency"))
                ?? (spec.ValueKind == JsonValueKind.Object ? Scalar(Prop(spec, "priceCurrency")) : null), baseUri) ?? price?.Currency;
            if (price is not null)
            {
                break;
            }
        }

        var sellerEntity = Items(Prop(product, "seller"))
            .Concat(offers.SelectMany(o => Items(Prop(o, "seller")).Concat(Items(Prop(o, "offeredBy")))))
            .FirstOrDefault(e => e.ValueKind is JsonValueKind.Object or JsonValueKind.String);
        var seller = Name(sellerEntity);
        var sellerUrl = sellerEntity.ValueKind == JsonValueKind.Object ? TextClean.AbsoluteUrl(baseUri, Str(sellerEntity, "url")) : null;
        var location = offers.Select(o => Place(Prop(o, "availableAtOrFrom")) ?? Place(Prop(o, "areaServed"))).FirstOrDefault(l => l is not null)
            ?? (sellerEntity.ValueKind == JsonValueKind.Object ? Place(Prop(sellerEntity, "address")) : null);
        var posted = DateKeys.Select(k => Str(product, k))
            .Concat(offers.Select(o => Str(o, "validFrom"))).Select(PageExtras.ParseDate).FirstOrDefault(d => d is not null);
        var categories = Items(Prop(product, "category"))
            .Select(c => c.ValueKind == JsonValueKind.Object ? Str(c, "name") : Scalar(c))
            .SelectMany(c => PageExtras.SplitCategoryPath(TextClean.Normalize(c)))
            .ToList();

        var images = Items(Prop(product, "image")).Select(i => i.ValueKind switch
        {
            JsonValueKind.String => i.GetString(),
            JsonValueKind.Object => Scalar(Prop(i, "url")) ?? Scalar(Prop(i, "contentUrl")) ?? Scalar(Prop(i, "@id")),
            _ => null,
        });

        return new ProductFields(
            "json-ld",
            Title: TextClean.Normalize(Scalar(Prop(product, "name"))),
            Description: TextClean.Normalize(Scalar(Prop(product, "description"))),
            Price: price?.Amount,
            Currency: price is null ? null : currency,
            Seller: TextClean.Normalize(seller),
            ImageUrls: TextClean.DistinctUrls(baseUri, images),
            SellerUrl: sellerUrl,
            Location: TextClean.Normalize(location),
            PostedAt: posted,
            Categories: categories);
    }

    /// <summary>A Place, PostalAddress or plain string as one line: "Hải Phòng, VN".</summary>
    private static string? Place(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(Place).FirstOrDefault(p => p is not null);
            case JsonValueKind.Object:
                var address = Prop(element, "address");
                if (address.ValueKind is JsonValueKind.Object or JsonValueKind.String)
                {
                    return Place(address);
                }

                var parts = AddressKeys
                    .Select(k => Prop(element, k)).Select(p => p.ValueKind == JsonValueKind.Object ? Str(p, "name") : Scalar(p))
                    .Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
                return parts.Count > 0 ? string.Join(", ", parts) : Str(element, "name");
            default:
                return null;
        }
    }

    /// <summary>Breadcrumb names of a schema.org BreadcrumbList in the page's JSON-LD, by position.</summary>
    internal static IReadOnlyList<string> Breadcrumbs(IDocument document)
    {
        foreach (var script in document.QuerySelectorAll("script"))
        {
            if (!string.Equals(script.GetAttribute("type")?.Split(';', 2)[0].Trim(), "application/ld+json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(script.TextContent.Trim(), Lenient);
                var list = FindType(json.RootElement, "BreadcrumbList");
                if (list.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                return Items(Prop(list, "itemListElement"))
                    .Select(e => (Position: decimal.TryParse(Str(e, "position"), NumberStyles.Number, CultureInfo.InvariantCulture, out var p) ? p : 0m,
                        Name: Str(e, "name") ?? Name(Prop(e, "item"))))
                    .OrderBy(e => e.Position)
                    .Select(e => TextClean.Normalize(e.Name))
                    .OfType<string>()
                    .ToList();
            }
            catch (JsonException)
            {
                // As for products: a broken block says nothing.
            }
        }

        return [];
    }

    private static JsonElement FindType(JsonElement element, string type)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return element.EnumerateArray().Select(e => FindType(e, type)).FirstOrDefault(e => e.ValueKind == JsonValueKind.Object);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (Types(element).Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            return element;
        }

        return element.EnumerateObject()
            .Select(p => FindType(p.Value, type))
            .FirstOrDefault(e => e.ValueKind == JsonValueKind.Object);
    }

    private static bool IsThisPage(JsonElement product, Uri baseUri)
    {
        foreach (var key in new[] { "url", "@id" })
        {
            if (TextClean.AbsoluteUrl(baseUri, Str(product, key)) is { } url
                && Uri.TryCreate(url, UriKind.Absolute, out var u)
                && u.GetLeftPart(UriPartial.Query) == baseUri.GetLeftPart(UriPartial.Query))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Types(JsonElement element)
    {
        foreach (var t in Items(Prop(element, "@type")))
        {
            if (t.ValueKind == JsonValueKind.String && t.GetString() is { } name)
            {
                // "Product", "schema:Product" and "https://schema.org/Product" all name the same type.
                var cut = Math.Max(name.LastIndexOf('/'), name.LastIndexOf(':'));
                yield return name[(cut + 1)..].Trim();
            }
        }
    }

    private static JsonElement Prop(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)
                || property.Name.EndsWith("/" + name, StringComparison.OrdinalIgnoreCase)
                || property.Name.EndsWith(":" + name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }

    private static IEnumerable<JsonElement> Items(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray(),
        JsonValueKind.Undefined or JsonValueKind.Null => [],
        _ => [element],
    };

    /// <summary>A string or number; for arrays the first such item; for {"@value": ...} its value.</summary>
    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture) : element.GetRawText(),
        JsonValueKind.Array => element.EnumerateArray().Select(Scalar).FirstOrDefault(s => s is not null),
        JsonValueKind.Object => Scalar(Prop(element, "@value")),
        _ => null,
    };

    private static string? Str(JsonElement element, string name) => Scalar(Prop(element, name));

    /// <summary>A seller given as a plain name or as an Organization/Person with a name.</summary>
    private static string? Name(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Object => Scalar(Prop(element, "name")),
        JsonValueKind.Array => element.EnumerateArray().Select(Name).FirstOrDefault(s => s is not null),
        _ => null,
    };
}
