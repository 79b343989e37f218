using WildlifeWatch.Detection;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>Where a training listing came from.</summary>
public sealed record TrainingRow(LabeledListing Listing, string Source);

/// <summary>
/// The data a model trains on: the labeled corpus (the bundled one or a data scientist's JSONL files) plus every listing
/// an investigator labeled in the store, the latest label per listing winning.
/// </summary>
public static class TrainingSet
{
    public const string CorpusSource = "corpus";
    public const string LabelSource = "label";

    /// <summary>Language of a stored listing, which the store does not keep: the model needs none, reports group it as "und".</summary>
    public const string UnknownLanguage = "und";

    public static async Task<IReadOnlyList<TrainingRow>> GatherAsync(IReadOnlyList<LabeledListing> corpus, IPipelineStore? store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var rows = corpus.Select(d => new TrainingRow(d, CorpusSource)).ToList();
        if (store is null)
        {
            return rows;
        }

        var latest = (await store.GetLabelsAsync(null, ct))
            .GroupBy(l => l.ListingId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(l => l.LabeledAt)!);
        foreach (var label in latest)
        {
            if (await store.GetListingAsync(label.ListingId, ct) is not { } listing)
            {
                continue;
            }

            var productType = label.IsWildlife
                ? label.ProductType is { } p && ProductTypes.Wildlife.Contains(p) ? p : ProductTypes.OtherWildlife
                : ProductTypes.NotWildlife;
            rows.Add(new TrainingRow(
                new LabeledListing("label:" + listing.Id, UnknownLanguage, listing.Title, listing.Description, label.IsWildlife, productType), LabelSource));
        }

        return rows;
    }
}
