using AngleSharp.Dom;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace WildlifeWatch.Extractor;

/// <summary>
/// Per-site extraction profiles: for the hosts of one marketplace, a CSS selector per field. A selector may end in
/// <c>@attribute</c> to read an attribute instead of the text (<c>"img.gallery @src"</c>). A profile speaks first for
/// its site; structured data and the generic fallback fill what it leaves out.
/// </summary>
/// <example>
/// <code>
/// profiles:
///   - name: market
///     hosts: [ market.example, www.market.example ]
///     country: VN
///     fields:
///       title: "article h1"
///       price: ".price @content"
///       images: ".gallery img @src"
///       categories: "nav.breadcrumbs a"
/// </code>
/// </example>
public sealed class SiteProfiles
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    public SiteProfiles(IEnumerable<SiteProfile> profiles)
    {
        Profiles = profiles.ToList();
        foreach (var profile in Profiles)
        {
            profile.Validate();
        }
    }

    public static SiteProfiles None { get; } = new([]);

    public IReadOnlyList<SiteProfile> Profiles { get; }

    /// <summary>The profile whose hosts include <paramref name="host"/> (ports ignored, case-insensitive), or null.</summary>
    public SiteProfile? For(string host) =>
        Profiles.FirstOrDefault(p => p.Hosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase)));

    public static SiteProfiles Parse(string yaml, string source)
    {
        try
        {
            var document = Yaml.Deserialize<ProfilesDocument?>(yaml) ?? new ProfilesDocument();
            return new SiteProfiles(document.Profiles);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"Site profiles '{source}' are not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Site profiles '{source}': {e.Message}", e);
        }
    }

    /// <summary>Reads a YAML file, or every *.yaml / *.yml file of a folder in name order.</summary>
    public static SiteProfiles Load(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*.y*ml").Order(StringComparer.Ordinal);
            return new SiteProfiles(files.SelectMany(f => Parse(File.ReadAllText(f), f).Profiles));
        }

        return Parse(File.ReadAllText(path), path);
    }

    private sealed class ProfilesDocument
    {
        public List<SiteProfile> Profiles { get; set; } = [];
    }
}

/// <summary>One site's selectors; see <see cref="SiteProfiles"/>.</summary>
public sealed class SiteProfile
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "title", "description", "price", "currency", "seller", "sellerUrl", "location", "postedAt", "images", "categories",
    };

    public string Name { get; set; } = "";

    public List<string> Hosts { get; set; } = [];

    /// <summary>ISO 3166-1 alpha-2 country of the site: the default region for phone numbers written without "+".</summary>
    public string? Country { get; set; }

    public Dictionary<string, string> Fields { get; set; } = [];

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Hosts.Count == 0)
        {
            throw new InvalidDataException("every profile needs a name and at least one host.");
        }

        if (Fields.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            throw new InvalidDataException($"profile '{Name}' has unknown field '{unknown}' (known: {string.Join(", ", Known)}).");
        }

        if (!Fields.ContainsKey("title"))
        {
            throw new InvalidDataException($"profile '{Name}' needs a 'title' selector: it decides whether a page is a listing.");
        }

        if (Country is not null && Country.Length != 2)
        {
            throw new InvalidDataException($"profile '{Name}' has country '{Country}'; use an ISO 3166-1 alpha-2 code.");
        }
    }

    /// <summary>The fields this profile's selectors find; null when the title selector finds nothing (not a listing).</summary>
    internal ProductFields? Read(IDocument document, Uri baseUri)
    {
        var title = TextClean.Collapse(Values("title").FirstOrDefault());
        if (title is null)
        {
            return null;
        }

        var priceText = Values("price").FirstOrDefault();
        var currency = PriceParser.NormalizeCurrency(Values("currency").FirstOrDefault(), baseUri);
        var price = PriceParser.ParseStructured(priceText, baseUri) ?? (priceText is null ? null : PriceParser.Find(priceText, baseUri, requireCurrency: false));
        return new ProductFields(
            "profile:" + Name,
            Title: title,
            Description: TextClean.Collapse(Values("description").FirstOrDefault()),
            Price: price?.Amount,
            Currency: price is null ? null : currency ?? price.Value.Currency,
            Seller: TextClean.Collapse(Values("seller").FirstOrDefault()),
            ImageUrls: TextClean.DistinctUrls(baseUri, Values("images")),
            SellerUrl: TextClean.AbsoluteUrl(baseUri, Values("sellerUrl").FirstOrDefault()),
            Location: TextClean.Collapse(Values("location").FirstOrDefault()),
            PostedAt: PageExtras.ParseDate(Values("postedAt").FirstOrDefault()),
            Categories: Values("categories").Select(TextClean.Collapse).OfType<string>().ToList());

        IEnumerable<string> Values(string field)
        {
            if (!Fields.TryGetValue(field, out var selector))
            {
                return [];
            }

            var at = selector.LastIndexOf('@');
            var (css, attribute) = at > 0 && !selector[at..].Contains(']', StringComparison.Ordinal)
                ? (selector[..at].Trim(), selector[(at + 1)..].Trim())
                : (selector.Trim(), null);
            return document.QuerySelectorAll(css)
                .Select(e => attribute is null ? e.TextContent : e.GetAttribute(attribute))
                .Where(v => !string.IsNullOrWhiteSpace(v))
                .Select(v => v!);
        }
    }
}
