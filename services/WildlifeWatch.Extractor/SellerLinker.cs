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
/// </remarks>
public sealed class SellerLinker(IPipelineStore store, int nearDuplicateMaxDistance, TimeProvider? time = null)
{
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

        foreach (var image in traits.Images)
        {
            foreach (var match in await store.FindSimilarImagesAsync(image.PerceptualHash, nearDuplicateMaxDistance, ct))
            {
                if (match.ListingId != traits.ListingId)
                {
                    // Evidence names both images in listing order, so either side finding the pair writes the same link.
                    var (first, second) = string.CompareOrdinal(traits.ListingId, match.ListingId) < 0 ? (image.Url, match.ImageUrl) : (match.ImageUrl, image.Url);
                    links.Add(ActorLink.Between(traits.ListingId, match.ListingId, ActorLink.ImageKind,
                        string.Create(CultureInfo.InvariantCulture, $"{first} ~ {second} ({match.Distance} bits)"), now));
                }
            }
        }

        if (links.Count > 0)
        {
            await store.AddActorLinksAsync(links, ct);
        }

        return await Actors.OfListingAsync(store, traits.ListingId, ct);
    }
}
