namespace WildlifeWatch.Extractor;

/// <summary>The fields of one sale listing as the page states them; <see cref="Source"/> says where they were read.</summary>
public sealed record ExtractedListing(
    string Title,
    string Description,
    decimal? Price,
    string? Currency,
    string? Seller,
    IReadOnlyList<string> ImageUrls,
    string Source);

/// <summary>What one source (JSON-LD, microdata, OpenGraph, the page itself) says about the product.</summary>
internal sealed record ProductFields(
    string Source,
    string? Title = null,
    string? Description = null,
    decimal? Price = null,
    string? Currency = null,
    string? Seller = null,
    IReadOnlyList<string>? ImageUrls = null)
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
        };
    }
}
