namespace WildlifeWatch.Extractor;

/// <summary>The fields of one sale listing as the page states them; <see cref="Source"/> says where they were read.</summary>
public sealed record ExtractedListing(
    string Title,
    string Description,
    decimal? Price,
    string? Currency,
    string? Seller,
    IReadOnlyList<string> ImageUrls,
    string Source)
{
    public string? SellerUrl { get; init; }

    public string? Location { get; init; }

    public DateTimeOffset? PostedAt { get; init; }

    /// <summary>Category breadcrumbs, outermost first, without the site's home.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>ISO 3166-1 alpha-2 country of the listing's site (from its profile), the default region for phone numbers.</summary>
    public string? Country { get; init; }

    /// <summary>tel:, mailto: and messenger links of the page, which often carry the contact the text only names.</summary>
    public IReadOnlyList<string> ContactLinks { get; init; } = [];
}

/// <summary>What one source (JSON-LD, microdata, OpenGraph, the page itself) says about the product.</summary>
internal sealed record ProductFields(
    string Source,
    string? Title = null,
    string? Description = null,
    decimal? Price = null,
    string? Currency = null,
    string? Seller = null,
    IReadOnlyList<string>? ImageUrls = null,
    string? SellerUrl = null,
    string? Location = null,
    DateTimeOffset? PostedAt = null,
    IReadOnlyList<string>? Categories = null)
{
    /// <summary>Fills what this source left empty from a later source; never overrides what it stated.</summary>
    public ProductFields FillFrom(ProductFields other)
    {
        // A price and its currency travel together: a currency is borrowed only for the same amount.
        var (price, currency) = Price is not null
            ? (Price, Currency ?? (other.Price == Price ? other.Currency : null))
            : (other.Price, other.Price is not null ? other.Currency : Currency ?? other.Currency);
        return this with
        {
            Title = Title ?? other.Title,
            Description = Description ?? other.Description,
            Price = price,
            Currency = currency,
            Seller = Seller ?? other.Seller,
            ImageUrls = ImageUrls is { Count: > 0 } ? ImageUrls : other.ImageUrls,
            SellerUrl = SellerUrl ?? other.SellerUrl,
            Location = Location ?? other.Location,
            PostedAt = PostedAt ?? other.PostedAt,
            Categories = Categories is { Count: > 0 } ? Categories : other.Categories,
        };
    }
}
