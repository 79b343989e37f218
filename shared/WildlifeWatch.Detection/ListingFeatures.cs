using System.Text.RegularExpressions;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection;

/// <summary>
/// Turns a listing into what the model reads: the normalized text (for word and character n-grams) and a small,
/// fixed vector of lexicon evidence. Both training and prediction go through here, so they cannot drift apart.
/// </summary>
internal static partial class ListingFeatures
{
    /// <summary>Separates title from description in the model text; survives normalization unchanged.</summary>
    private const string TitleSeparator = " | ";

    private const int Fixed = 15;

    /// <summary>Length of the lexicon vector: the fixed features, one per wildlife product type, one per species group.</summary>
    public const int Count = Fixed + 7 + 12;

    static ListingFeatures()
    {
        if (Count != Fixed + ProductTypes.Wildlife.Count + SpeciesGroups.All.Count)
        {
            throw new InvalidOperationException("ListingFeatures.Count is out of step with ProductTypes and SpeciesGroups.");
        }
    }

    public static ListingEvidence Extract(string? title, string? description, ILexiconMatcher lexicon)
    {
        var normalizedTitle = TextNormalizer.Normalize(title);
        var text = normalizedTitle + TitleSeparator + TextNormalizer.Normalize(description);
        // The matcher normalizes again; normalization of normalized text is the identity, so spans refer to `text`.
        var hits = lexicon.Match(text);
        // The more specific phrase wins: a negative inside a longer positive ("resin" in "not resin", "plastic" in
        // "no plastic") is part of the seller's claim, not decoy context; a positive inside a longer negative is covered.
        var negatives = hits.Where(h => h.Negative && !hits.Any(p => !p.Negative && p.Length > h.Length && Contains(p, h))).ToList();
        var covered = hits.Where(h => !h.Negative && negatives.Any(n => Overlaps(n, h))).ToList();
        var positives = hits.Where(h => !h.Negative && !covered.Contains(h)).ToList();
        var species = positives.Where(h => h.SpeciesGroup != SpeciesGroups.TradeSignal).ToList();
        var signals = positives.Count - species.Count;

        var v = new float[Count];
        v[0] = Log(species.Count);
        v[1] = Log(negatives.Count);
        v[2] = species.Count > 0 ? 1 : 0;
        v[3] = negatives.Count > 0 ? 1 : 0;
        v[4] = Log(signals);
        v[5] = species.Any(h => h.Start < normalizedTitle.Length) ? 1 : 0;
        v[6] = negatives.Any(h => h.Start < normalizedTitle.Length) ? 1 : 0;
        v[7] = PricePattern().IsMatch(text) ? 1 : 0;
        v[8] = Log(covered.Count);
        v[9] = species.Any(h => h.ProductType != ProductTypes.OtherWildlife) ? 1 : 0;
        // Interactions a linear model cannot form on its own: a species term standing alone is strong evidence, the same
        // term next to decoy context ("python" + "programming", "ivoire" + "robe") is weak, and a term fully covered by a
        // look-alike phrase ("shark fin antenna") is no evidence. Without them the n-grams of the species word win.
        var groups = species.Select(h => h.SpeciesGroup).ToHashSet(StringComparer.Ordinal);
        v[10] = species.Count > 0 && negatives.Count == 0 ? 1 : 0;
        v[11] = species.Count > 0 && negatives.Count > 0 ? 1 : 0;
        v[12] = covered.Count > 0 && species.Count == 0 ? 1 : 0;
        v[13] = negatives.Any(n => n.SpeciesGroup.Length > 0 && groups.Contains(n.SpeciesGroup)) ? 1 : 0;
        v[14] = species.Any(h => h.ProductType != ProductTypes.OtherWildlife) && negatives.Count == 0 ? 1 : 0;
        for (var i = 0; i < ProductTypes.Wildlife.Count; i++)
        {
            v[Fixed + i] = species.Any(h => h.ProductType == ProductTypes.Wildlife[i]) ? 1 : 0;
        }

        for (var i = 0; i < SpeciesGroups.All.Count; i++)
        {
            v[Fixed + ProductTypes.Wildlife.Count + i] = positives.Any(h => h.SpeciesGroup == SpeciesGroups.All[i]) ? 1 : 0;
        }

        var (group, product) = Strongest(species);
        return new ListingEvidence(text, v, hits, group, product) { Species = species, Negatives = negatives };
    }

    /// <summary>
    /// The species group with the most weight among uncovered species hits (a named product such as "tiger bone"
    /// weighs twice a bare species name such as "tiger"), and the product type of that group's weightiest hit.
    /// </summary>
    private static (string? Group, string? Product) Strongest(IReadOnlyList<LexiconHit> species)
    {
        if (species.Count == 0)
        {
            return (null, null);
        }

        static double Weight(LexiconHit h) => (h.ProductType == ProductTypes.OtherWildlife ? 1.0 : 2.0) + (h.Length / 1000.0);

        var best = species
            .GroupBy(h => h.SpeciesGroup, StringComparer.Ordinal)
            .Select(g => (Group: g.Key, Total: g.Sum(Weight), Top: g.MaxBy(Weight)!))
            .OrderByDescending(g => g.Total)
            .ThenBy(g => g.Top.Start)
            .First();
        return (best.Group, best.Top.ProductType);
    }

    private static bool Contains(LexiconHit outer, LexiconHit inner) => outer.Start <= inner.Start && inner.Start + inner.Length <= outer.Start + outer.Length;

    private static bool Overlaps(LexiconHit a, LexiconHit b) => a.Start < b.Start + b.Length && b.Start < a.Start + a.Length;

    private static float Log(int count) => (float)Math.Log(1 + count);

    // A number next to a currency sign, code or unit of price, in the scripts of the corpus ("$450", "500k", "1.2 triệu", "3000元").
    [GeneratedRegex(@"(?:[$€£¥￥₫฿₹]|\b(?:usd|eur|gbp|vnd|idr|rp|thb|brl|r\$|mxn|cny|rmb|jpy|chf|us\$|hk\$|nt\$)\b)\s?\d|\d[\d.,]*\s?(?:[$€£¥￥₫฿元円块萬万]|\b(?:k|tr|trieu|usd|eur|gbp|vnd|d|dong|idr|rb|ribu|jt|juta|baht|thb|brl|reais|pesos|mxn|yen|euros?|dollars?|chf)\b|บาท)", RegexOptions.CultureInvariant)]
    private static partial Regex PricePattern();
}

internal sealed record ListingEvidence(string Text, float[] Lexicon, IReadOnlyList<LexiconHit> Hits, string? SpeciesGroup, string? ProductType)
{
    /// <summary>Species hits that count as evidence: not trade signals, not covered by decoy context.</summary>
    public IReadOnlyList<LexiconHit> Species { get; init; } = [];

    /// <summary>Decoy-context hits that count (not part of a longer positive phrase).</summary>
    public IReadOnlyList<LexiconHit> Negatives { get; init; } = [];
}
