using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>Per-server mutable state the handlers need.</summary>
internal sealed class SiteState(Catalog catalog, int pageSize)
{
    public Catalog Catalog { get; } = catalog;
    public int PageSize { get; } = pageSize;
    public int Port { get; set; }
    public ConcurrentQueue<string> Requested { get; } = new();
    public ConcurrentQueue<DemoRequest> Log { get; } = new();
    public ConcurrentDictionary<string, ListingRemoval> Removed { get; } = new(StringComparer.Ordinal);
}

internal static class SiteEndpoints
{
    private const string Html = "text/html; charset=utf-8";
    private const string Json = "application/json; charset=utf-8";

    private static readonly ConcurrentDictionary<string, byte[]> ImageCache = new(StringComparer.Ordinal);

    // Home-page searches: mixes of wildlife and decoy vocabulary, in several languages.
    private static readonly string[] PopularSearches = ["ivory", "tiger", "tortoise", "vintage", "象牙", "ngà", "cuerno", "python"];

    public static void Map(WebApplication app, SiteState site)
    {
        var catalog = site.Catalog;

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value + context.Request.QueryString.Value;
            var arrived = DateTimeOffset.UtcNow;
            site.Requested.Enqueue(path);
            await next(context);
            // Browsers mark a page load (not its scripts, images or API calls) with Sec-Fetch-Mode: navigate.
            site.Log.Enqueue(new DemoRequest(path, arrived, DateTimeOffset.UtcNow,
                string.Equals(context.Request.Headers["Sec-Fetch-Mode"], "navigate", StringComparison.OrdinalIgnoreCase),
                context.Request.Headers.UserAgent.ToString(), context.Response.StatusCode));
        });

        app.MapGet("/", () => Results.Content(Pages.Home(site, catalog.Categories, PopularSearches), Html));

        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /account/\nDisallow: /cart\n", "text/plain; charset=utf-8"));

        app.MapGet("/static/{name}", (string name) =>
            catalog.Statics.TryGetValue(name, out var file) ? Results.Bytes(file.Content, file.ContentType) : NotFound(site));

        app.MapGet("/img/{file}", (string file) =>
        {
            if (!TryParseImageName(file, out var id, out var index) ||
                !catalog.ById.TryGetValue(id, out var listing) ||
                index < 1 || index > listing.ImageColours.Count)
            {
                return Results.NotFound();
            }

            var png = ImageCache.GetOrAdd(file, _ => PngImage.Render(listing.ImageColours[index - 1], file));
            return Results.Bytes(png, "image/png");
        });

        app.MapGet("/item/{id}", (string id) =>
        {
            if (!catalog.ById.TryGetValue(id, out var listing))
            {
                return NotFound(site);
            }

            return site.Removed.TryGetValue(id, out var removal) ? Removed(site, listing, removal) : Results.Content(Pages.Shell(site, "item", $"Listing – {Pages.SiteName}"), Html);
        });

        // Not named by robots.txt (the bundled crawl stays as it is); a seed names it with 'sitemaps'.
        app.MapGet("/sitemap.xml", (HttpRequest request) => Results.Content(SitemapIndex(Origin(request)), Xml));
        app.MapGet("/sitemaps/listings.xml.gz", (HttpRequest request) =>
            Results.Bytes(Gzip(UrlSet(Origin(request), catalog.Listings.Select(l => $"/item/{Uri.EscapeDataString(l.Id)}"))), "application/gzip"));
        app.MapGet("/sitemaps/pages.xml", (HttpRequest request) =>
            Results.Content(UrlSet(Origin(request), catalog.Categories.Select(c => $"/c/{Uri.EscapeDataString(c.Slug)}").Prepend("/")), Xml));

        app.MapGet("/c/{slug}", (string slug, string? page) =>
        {
            if (!catalog.CategoryBySlug.TryGetValue(slug, out var category) ||
                !TryPage(page, catalog.InCategory(slug).Count, site.PageSize, out _))
            {
                return NotFound(site);
            }

            return Results.Content(Pages.Shell(site, "category", $"{category.Name} – {Pages.SiteName}"), Html);
        });

        app.MapGet("/search", (string? q, string? page) =>
            TryPage(page, catalog.Search(q ?? "").Count, site.PageSize, out _)
                ? Results.Content(Pages.Shell(site, "search", $"Search – {Pages.SiteName}"), Html)
                : NotFound(site));

        app.MapGet("/seller/{slug}", (string slug) =>
            catalog.BySeller.ContainsKey(slug) ? Results.Content(Pages.Shell(site, "seller", $"Seller – {Pages.SiteName}"), Html) : NotFound(site));

        app.MapGet("/account/login", () => Results.Content(Pages.Login(site), Html));
        app.MapGet("/cart", () => Results.Content(Pages.Simple(site, "Your cart", "Your cart is empty.", "cart"), Html));
        app.MapGet("/about", () => Results.Content(Pages.Simple(site, $"About {Pages.SiteName}", "A demonstration marketplace. Nothing here is for sale.", "about"), Html));

        app.MapGet("/api/items/{id}", (string id) =>
            catalog.ById.TryGetValue(id, out var listing) && !site.Removed.ContainsKey(id) ? JsonResult(ItemJson(catalog, listing)) : JsonNotFound());

        app.MapGet("/api/category/{slug}", (string slug, string? page) =>
        {
            if (!catalog.CategoryBySlug.TryGetValue(slug, out var category))
            {
                return JsonNotFound();
            }

            var items = catalog.InCategory(slug);
            return TryPage(page, items.Count, site.PageSize, out var number)
                ? JsonResult(PageJson("category", category.Name, null, $"/c/{Uri.EscapeDataString(slug)}", items, number, site.PageSize))
                : JsonNotFound();
        });

        app.MapGet("/api/search", (string? q, string? page) =>
        {
            var query = q ?? "";
            var items = catalog.Search(query);
            return TryPage(page, items.Count, site.PageSize, out var number)
                ? JsonResult(PageJson("search", $"Results for “{query}”", query, $"/search?q={Uri.EscapeDataString(query)}", items, number, site.PageSize))
                : JsonNotFound();
        });

        app.MapGet("/api/seller/{slug}", (string slug) =>
        {
            if (!catalog.BySeller.TryGetValue(slug, out var items))
            {
                return JsonNotFound();
            }

            return JsonResult(new
            {
                kind = "seller",
                slug,
                name = items[0].Seller,
                total = items.Count,
                items = items.Select(Summary),
            });
        });

        app.MapFallback(() => NotFound(site));
    }

    private static object ItemJson(Catalog catalog, Listing l) => new
    {
        l.Id,
        l.Language,
        l.Category,
        CategoryName = catalog.CategoryBySlug.TryGetValue(l.Category, out var c) ? c.Name : l.Category,
        CategoryUrl = $"/c/{Uri.EscapeDataString(l.Category)}",
        l.Title,
        l.Description,
        l.Price,
        l.PriceValue,
        l.Currency,
        l.Seller,
        SellerUrl = $"/seller/{Uri.EscapeDataString(l.SellerSlug)}",
        l.Location,
        Posted = l.Posted.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Images = Enumerable.Range(1, l.ImageColours.Count).Select(n => ImageUrl(l, n)).ToArray(),
        Url = $"/item/{Uri.EscapeDataString(l.Id)}",
    };

    private static object Summary(Listing l) => new
    {
        l.Id,
        l.Title,
        l.Price,
        l.PriceValue,
        l.Currency,
        l.Location,
        Thumb = ImageUrl(l, 1),
        Url = $"/item/{Uri.EscapeDataString(l.Id)}",
    };

    /// <summary>A page of results plus the URL of every page, so each page links to all the others.</summary>
    private static object PageJson(string kind, string heading, string? query, string baseUrl, IReadOnlyList<Listing> items, int page, int pageSize)
    {
        var pageCount = PageCount(items.Count, pageSize);
        var separator = baseUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new
        {
            kind,
            heading,
            query,
            page,
            pageCount,
            total = items.Count,
            items = items.Skip((page - 1) * pageSize).Take(pageSize).Select(Summary),
            pages = Enumerable.Range(1, pageCount).Select(n => new
            {
                number = n,
                url = n == 1 ? baseUrl : $"{baseUrl}{separator}page={n}",
                current = n == page,
            }),
        };
    }

    private static string ImageUrl(Listing l, int n) => $"/img/{Uri.EscapeDataString(l.Id)}-{n}.png";

    private static int PageCount(int total, int pageSize) => Math.Max(1, (total + pageSize - 1) / pageSize);

    private static bool TryPage(string? raw, int total, int pageSize, out int page)
    {
        page = 1;
        if (raw is not null && !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out page))
        {
            return false;
        }

        return page >= 1 && page <= PageCount(total, pageSize);
    }

    private static bool TryParseImageName(string file, out string id, out int index)
    {
        id = "";
        index = 0;
        if (!file.EndsWith(".png", StringComparison.Ordinal))
        {
            return false;
        }

        var stem = file[..^4];
        var dash = stem.LastIndexOf('-');
        if (dash <= 0 || !int.TryParse(stem.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }

        id = stem[..dash];
        return true;
    }

    private static IResult Removed(SiteState site, Listing listing, ListingRemoval removal) => removal switch
    {
        ListingRemoval.Gone => Results.Content(Pages.Simple(site, "Listing removed", "This listing has been removed.", "not-found"), "text/html", Encoding.UTF8, StatusCodes.Status410Gone),
        ListingRemoval.RemovedNotice => Results.Content(Pages.Simple(site, listing.Title, "This listing has been removed by the seller.", "removed"), Html),
        ListingRemoval.RedirectToSearch => Results.Redirect($"/search?q={Uri.EscapeDataString(listing.Title.Split(' ')[0])}"),
        _ => NotFound(site),
    };

    private const string Xml = "application/xml; charset=utf-8";

    private static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static string SitemapIndex(string origin) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + $"<sitemap><loc>{origin}/sitemaps/listings.xml.gz</loc></sitemap><sitemap><loc>{origin}/sitemaps/pages.xml</loc></sitemap></sitemapindex>";

    private static string UrlSet(string origin, IEnumerable<string> paths) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(paths.Select(p => $"<url><loc>{origin}{System.Security.SecurityElement.Escape(p)}</loc></url>")) + "</urlset>";

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static IResult JsonResult(object value) =>
        Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(value, SiteFiles.JsonWrite), Json);

    private static IResult JsonNotFound() =>
        Results.Content("{\"error\":\"not found\"}", "application/json", Encoding.UTF8, StatusCodes.Status404NotFound);

    private static IResult NotFound(SiteState site) =>
        Results.Content(Pages.Simple(site, "Page not found", "This listing has been removed or never existed.", "not-found"), "text/html", Encoding.UTF8, StatusCodes.Status404NotFound);
}
