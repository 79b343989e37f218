using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace WildlifeWatch.Extractor;

/// <summary>
/// The generic fallback for the fields structured data often leaves out: category breadcrumbs (JSON-LD or microdata
/// BreadcrumbList, else a breadcrumb navigation), the seller's profile link, the location and the posting date, read
/// from the usual marks (<c>class="seller"</c>, <c>location</c>, <c>time[datetime]</c>) inside the listing.
/// </summary>
internal static partial class PageExtras
{
    private const int MaxLocationLength = 120;

    public static ProductFields Read(IDocument document, Uri baseUri)
    {
        var scope = (IParentNode?)document.QuerySelector("[itemscope][itemtype*=Product i], article, main") ?? document;
        var sellerLink = scope.QuerySelector("a[href][class*=seller i], [class*=seller i] a[href], a[href][itemprop~=seller]");
        var location = scope.QuerySelectorAll("[class*=location i], [itemprop~=availableAtOrFrom], [itemprop~=areaServed]")
            .Select(e => TextClean.Collapse(e.GetAttribute("content") ?? e.TextContent))
            .FirstOrDefault(t => t is { Length: > 0 and <= MaxLocationLength });
        var posted = scope.QuerySelectorAll("[itemprop~=datePosted], [itemprop~=datePublished], [class*=posted i], [class*=date i] time, time[datetime]")
            .Select(e => ParseDate(e.GetAttribute("datetime") ?? e.GetAttribute("content") ?? e.TextContent))
            .FirstOrDefault(d => d is not null);

        return new ProductFields(
            "page",
            SellerUrl: TextClean.AbsoluteUrl(baseUri, sellerLink?.GetAttribute("href")),
            Location: location,
            PostedAt: posted,
            Categories: Categories(document, baseUri));
    }

    /// <summary>Breadcrumbs without the site's home and without the listing itself; structured lists win over markup.</summary>
    public static IReadOnlyList<string> Categories(IDocument document, Uri baseUri)
    {
        var crumbs = JsonLdReader.Breadcrumbs(document);
        if (crumbs.Count == 0)
        {
            crumbs = MicrodataReader.Breadcrumbs(document, baseUri);
        }

        if (crumbs.Count == 0)
        {
            var nav = document.QuerySelector("nav[aria-label*=breadcrumb i], [class*=breadcrumb i], ol[class*=crumb i]");
            crumbs = nav is null
                ? []
                : nav.QuerySelectorAll("a, li > span, [aria-current]")
                    .Where(a => !IsHome(a, baseUri))
                    .Select(a => TextClean.Collapse(a.TextContent)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        }

        var title = TextClean.Collapse(document.QuerySelector("h1")?.TextContent);
        return crumbs.Where(c => !HomeWord().IsMatch(c) && !string.Equals(c, title, StringComparison.Ordinal)).ToList();
    }

    /// <summary>"Antiques > Carvings" or "Antiques/Carvings" as a path; a plain name as one level.</summary>
    public static IEnumerable<string> SplitCategoryPath(string? category) =>
        category is null
            ? []
            : category.Split(['>', '›', '/', '»', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>ISO-8601 dates and times (a bare date is midnight UTC); anything else is not a date.</summary>
    public static DateTimeOffset? ParseDate(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || !IsoDate().IsMatch(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;
    }

    private static bool IsHome(IElement link, Uri baseUri) =>
        link.GetAttribute("href") is { } href && Uri.TryCreate(baseUri, href, out var target) && target.AbsolutePath == "/" && string.IsNullOrEmpty(target.Query.TrimStart('?'));

    [GeneratedRegex(@"^(home|accueil|inicio|início|startseite|trang chủ|หน้าแรก|beranda|首页|首頁|ホーム)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex HomeWord();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex IsoDate();
}
