using System.Globalization;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Extractor;

/// <summary>
/// Links a listing to every stored listing that shares one of its contacts (phone, e-mail, messenger handle, crypto
/// address) or a near-duplicate image, and returns the actor the listing now belongs to.
/// </summary>
/// <remarks>
/// External URLs are not evidence of one seller (two listings may both link a marketplace's help page). The traits are
/// saved before this runs, so of two listings extracted at the same time at least the later lookup sees the other.
/// Low-detail images (see <see cref="ListingImage.Detail"/>) link nothing. An image close to the images of more than <c>stockImageListings</c> other listings is taken for a stock photo or a
/// site placeholder, which unrelated sellers share, and links nothing (links made before it got that common stay).
/// </remarks>
public sealed class SellerLinker(
    IPipelineStore store,
    int nearDuplicateMaxDistance,
    int stockImageListings = SellerLinker.DefaultStockImageListings,
    double minImageDetail = SellerLinker.DefaultMinImageDetail,
    TimeProvider? time = null)
{
    public const int DefaultStockImageListings = 5;

    /// <summary>Below this <see cref="ListingImage.Detail"/> an image (a gradient, a flat banner) is no evidence: such pictures collide.</summary>
    public const double DefaultMinImageDetail = 12;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<Actor?> LinkAsync(ListingTraits traits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var now = _time.GetUtcNow();
        var links = new List<ActorLink>();
        foreach (var contact in traits.Contacts.Where(c => c.Kind != ContactKinds.Url))
        {
            foreach (var other in await store.FindListingsByContactAsync(contact.Kind, contact.Value, ct))
            {
                if (other != traits.ListingId)
                {
                    links.Add(ActorLink.Between(traits.ListingId, other, contact.Kind, contact.Value, now));
                }
            }
        }

        foreach (var image in traits.Images.Where(i => i.Detail >= minImageDetail))
        {
            var matches = (await store.FindSimilarImagesAsync(image.PerceptualHash, nearDuplicateMaxDistance, ct))
                .Where(m => m.ListingId != traits.ListingId && m.Detail >= minImageDetail).ToList();
            if (matches.Select(m => m.ListingId).Distinct(StringComparer.Ordinal).Count() > stockImageListings)
            {
                continue;
            }

            foreach (var match in matches)
            {
                // Evidence names both images in listing order, so either side finding the pair writes the same link.
                var (first, second) = string.CompareOrdinal(traits.ListingId, match.ListingId) < 0 ? (image.Url, match.ImageUrl) : (match.ImageUrl, image.Url);
                links.Add(ActorLink.Between(traits.ListingId, match.ListingId, ActorLink.ImageKind,
                    string.Create(CultureInfo.InvariantCulture, $"{first} ~ {second} ({match.Distance} bits)"), now));
            }
        }

        if (links.Count > 0)
        {
            await store.AddActorLinksAsync(links, ct);
        }

        return await Actors.OfListingAsync(store, traits.ListingId, ct);
    }
}
