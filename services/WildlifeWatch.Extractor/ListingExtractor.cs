using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace WildlifeWatch.Extractor;

/// <summary>
/// Reads a sale listing from a rendered page: schema.org JSON-LD first, then microdata, then OpenGraph,
/// then (only for pages that plainly are one listing) the page's own heading and price. The parser has
/// no scripting: markup in a listing is read as text, never run.
/// </summary>
public sealed class ListingExtractor
{
    private readonly HtmlParser _parser = new(new HtmlParserOptions
    {
        IsScripting = false,
        IsNotConsumingCharacterReferences = false,
    });

    private readonly SiteProfiles _profiles;

    public ListingExtractor()
        : this(SiteProfiles.None)
    {
    }

    public ListingExtractor(SiteProfiles profiles) => _profiles = profiles ?? throw new ArgumentNullException(nameof(profiles));

    /// <summary>The listing on the page, or null when the page is not a single sale listing.</summary>
    public ExtractedListing? Extract(string html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        using var document = _parser.ParseDocument(html);
        var baseUri = BaseUri(document, pageUrl);

        // A site's own profile knows its pages best; it leads, and structured data fills what it leaves out.
        var profile = _profiles.For(pageUrl.Host);
        var structured = new[]
        {
            profile?.Read(document, baseUri),
            JsonLdReader.Read(document, baseUri),
            MicrodataReader.Read(document, baseUri),
            OpenGraphReader.Read(document, baseUri),
        }.Where(f => f is not null).Select(f => f!).ToList();

        ProductFields? fields;
        if (structured.Count > 0)
        {
            // The first source that names a product leads; later ones only fill what it left out.
            fields = structured.Skip(1).Aggregate(structured[0], (acc, next) => acc.FillFrom(next));
            fields = fields with { Title = fields.Title ?? Heading(document) ?? TextClean.Collapse(document.Title) };
        }
        else
        {
            fields = GenericListingReader.Read(document, baseUri);
        }

        if (fields?.Title is not { } title)
        {
            return null;
        }

        fields = fields.FillFrom(PageExtras.Read(document, baseUri));
        return new ExtractedListing(
            title,
            fields.Description ?? string.Empty,
            fields.Price,
            fields.Currency,
            fields.Seller,
            fields.ImageUrls ?? [],
            fields.Source)
        {
            SellerUrl = fields.SellerUrl,
            Location = fields.Location,
            PostedAt = fields.PostedAt,
            Categories = fields.Categories ?? [],
            Country = profile?.Country?.ToUpperInvariant(),
            ContactLinks = ContactLinks(document),
        };
    }

    /// <summary>Links that name a contact by their target: tel:, mailto:, sms: and messenger links.</summary>
    private static IReadOnlyList<string> ContactLinks(IDocument document) =>
        document.QuerySelectorAll("a[href]")
            .Select(a => a.GetAttribute("href")!.Trim())
            .Where(h => h.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)
                || h.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                || MessengerHosts.Any(m => h.Contains(m, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static readonly string[] MessengerHosts = ["wa.me/", "whatsapp.com/", "t.me/", "telegram.me/", "line.me/", "zalo.me/"];

    private static string? Heading(IDocument document) =>
        document.QuerySelectorAll("h1").Select(h => TextClean.Collapse(h.TextContent)).FirstOrDefault(t => t is not null);

    private static Uri BaseUri(IDocument document, Uri pageUrl)
    {
        var href = document.QuerySelector("base[href]")?.GetAttribute("href");
        return href is not null && Uri.TryCreate(pageUrl, href.Trim(), out var resolved)
            && (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps)
            ? resolved
            : pageUrl;
    }
}
