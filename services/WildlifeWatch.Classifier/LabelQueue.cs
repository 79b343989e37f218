using WildlifeWatch.Detection;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>A listing whose label would help the model, and why.</summary>
public sealed record LabelCandidate(string ListingId, string Url, string Title, double Score, string ModelVersion, double Uncertainty, IReadOnlyList<string> NewTerms, double Priority);

/// <summary>
/// Active learning for the portal's labeling view: unlabeled scored listings ranked by how much a label would teach the
/// model, i.e. how uncertain the live score is (1 at 0.5, 0 at 0 or 1) plus how much of the text the training data has
/// never seen (new terms: words, or character pairs in scripts written without spaces).
/// </summary>
public sealed class LabelQueue
{
    private const int NewTermsForFullNovelty = 5;
    private const double NoveltyWeight = 0.5;
    private readonly HashSet<string> _vocabulary;

    public LabelQueue(IEnumerable<LabeledListing> training)
    {
        ArgumentNullException.ThrowIfNull(training);
        _vocabulary = training.SelectMany(d => Terms(d.Title + " " + d.Description)).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<LabelCandidate>> BuildAsync(IPipelineStore store, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var labeled = (await store.GetLabelsAsync(null, ct)).Select(l => l.ListingId).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<LabelCandidate>();
        string? cursor = null;
        do
        {
            var page = await store.QueryListingsAsync(new ListingQuery { Cursor = cursor, PageSize = 500 }, ct);
            candidates.AddRange(page.Items.Where(i => i.Score is not null && !labeled.Contains(i.Listing.Id)).Select(i => Rank(i.Listing, i.Score!)));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return candidates.OrderByDescending(c => c.Priority).ThenBy(c => c.ListingId, StringComparer.Ordinal).Take(limit).ToList();
    }

    public LabelCandidate Rank(Listing listing, Score score)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(score);
        var uncertainty = 1 - Math.Abs((2 * score.Value) - 1);
        var unseen = Terms(listing.Title + " " + listing.Description).Where(t => !_vocabulary.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        var novelty = Math.Min(1.0, (double)unseen.Count / NewTermsForFullNovelty);
        return new LabelCandidate(listing.Id, listing.Url, listing.Title, score.Value, score.ModelVersion, uncertainty, unseen.Take(10).ToList(),
            uncertainty + (NoveltyWeight * novelty));
    }

    /// <summary>Words of three letters or more; in CJK runs, character pairs (no spaces to split on).</summary>
    private static IEnumerable<string> Terms(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var inWord = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                foreach (var term in Split(normalized[start..i]))
                {
                    yield return term;
                }

                start = -1;
            }
        }
    }

    private static IEnumerable<string> Split(string word)
    {
        if (word.Any(c => c is >= '\u3040' and <= '\u9fff'))
        {
            for (var i = 0; i + 1 < word.Length; i++)
            {
                yield return word.Substring(i, 2);
            }
        }
        else if (word.Length >= 3 && !word.All(char.IsDigit))
        {
            yield return word;
        }
    }
}
