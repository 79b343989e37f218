using System.Globalization;
using System.Text.Json;

namespace WildlifeWatch.DemoMarketplace;

internal sealed record Category(string Slug, string Name);

internal sealed record Listing(
    string Id,
    string Language,
    string Category,
    string Title,
    string Description,
    decimal Price,
    string Currency,
    string Seller,
    string SellerSlug,
    string Location,
    IReadOnlyList<string> ImageColours,
    DateOnly Posted)
{
    /// <summary>Machine-readable price for itemprop/JSON-LD: invariant, no grouping, at most two decimals.</summary>
    public string PriceValue => Price.ToString("0.##", CultureInfo.InvariantCulture);
}

internal sealed class ListingsFile
{
    public List<Category> Categories { get; set; } = [];
    public List<Listing> Listings { get; set; } = [];
}

/// <summary>The site's content, loaded once per process: every server instance serves the same immutable data.</summary>
internal sealed class Catalog
{
    private static readonly Lazy<Catalog> SharedInstance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private Catalog(IReadOnlyList<Category> categories, IReadOnlyList<Listing> listings, IReadOnlyDictionary<string, StaticFile> statics)
    {
        Categories = categories;
        Listings = listings;
        ById = listings.ToDictionary(l => l.Id, StringComparer.Ordinal);
        BySeller = listings.GroupBy(l => l.SellerSlug, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Listing>)g.ToList(), StringComparer.Ordinal);
        CategoryBySlug = categories.ToDictionary(c => c.Slug, StringComparer.Ordinal);
        Statics = statics;
    }

    public static Catalog Shared => SharedInstance.Value;

    public IReadOnlyList<Category> Categories { get; }
    public IReadOnlyList<Listing> Listings { get; }
    public IReadOnlyDictionary<string, Listing> ById { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<Listing>> BySeller { get; }
    public IReadOnlyDictionary<string, Category> CategoryBySlug { get; }
    public IReadOnlyDictionary<string, StaticFile> Statics { get; }

    public IReadOnlyList<Listing> InCategory(string slug) => Listings.Where(l => l.Category == slug).ToList();

    public IReadOnlyList<Listing> Search(string query)
    {
        var q = query.Trim();
        if (q.Length == 0)
        {
            return [];
        }

        return Listings.Where(l =>
                l.Title.Contains(q, StringComparison.OrdinalIgnoreCase) ||
                l.Description.Contains(q, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    private static Catalog Load()
    {
        var path = Path.Combine(SiteFiles.Root, "Data", "listings.json");
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<ListingsFile>(stream, SiteFiles.JsonRead)
            ?? throw new InvalidDataException($"{path} is empty.");
        return new Catalog(file.Categories, file.Listings, LoadStatics());
    }

    // The page scripts are small: keep them in memory and serve them with an explicit charset.
    private static Dictionary<string, StaticFile> LoadStatics()
    {
        var folder = Path.Combine(SiteFiles.Root, "wwwroot", "static");
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var contentType = Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            files[Path.GetFileName(file)] = new StaticFile(File.ReadAllBytes(file), contentType);
        }

        return files;
    }
}

internal sealed record StaticFile(byte[] Content, string ContentType);
