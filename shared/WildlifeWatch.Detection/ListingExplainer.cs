using System.Collections;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection;

/// <summary>
/// One thing that moved a listing's score: a lexicon term (with the lexicon evidence it fed), a word n-gram, a character
/// n-gram or the price pattern. <see cref="Contribution"/> is in log-odds: positive pushed towards wildlife.
/// </summary>
public sealed record Reason(string Kind, string Feature, double Contribution)
{
    public const string Term = "term";
    public const string DecoyTerm = "decoy-term";
    public const string SignalTerm = "trade-signal";
    public const string Words = "words";
    public const string Characters = "chars";
    public const string Price = "price";
}

/// <summary>A CITES taxon a listing names (an uncovered species hit), with its appendix and the words that named it.</summary>
public sealed record TaxonMatch(string Taxon, string Appendix, string SpeciesGroup, IReadOnlyList<string> Terms);

/// <summary>
/// Explains a linear model's score exactly: each feature's contribution is weight × value. The lexicon evidence vector
/// is attributed back to the terms that produced it (species terms, decoy context, trade signals), so an investigator
/// reads "ivory" rather than "feature 10".
/// </summary>
internal sealed class ListingExplainer
{
    private enum Source
    {
        Species,
        Decoy,
        Signal,
        Price,
    }

    private static readonly Source[] LexiconSources = BuildSources();

    private readonly float[] _weights;
    private readonly string[] _slotNames;
    private readonly int _lexiconOffset;

    private ListingExplainer(float[] weights, string[] slotNames, int lexiconOffset)
    {
        _weights = weights;
        _slotNames = slotNames;
        _lexiconOffset = lexiconOffset;
    }

    /// <summary>The explainer of a fitted pipeline whose last step is a (calibrated) linear binary model; null for any other model.</summary>
    public static ListingExplainer? TryCreate(ITransformer transformer, DataViewSchema inputSchema)
    {
        var last = transformer is IEnumerable chain ? chain.OfType<ITransformer>().LastOrDefault() : transformer;
        if (last is not IPredictionTransformer<object> prediction || LinearOf(prediction.Model) is not { } linear)
        {
            return null;
        }

        var column = transformer.GetOutputSchema(inputSchema)["Features"];
        var size = column.Type is VectorDataViewType vector ? vector.Size : 1;
        var names = new string[size];
        if (column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            column.GetSlotNames(ref slots);
            foreach (var (index, name) in Items(slots))
            {
                names[index] = name.ToString();
            }
        }

        var weights = new float[size];
        var i = 0;
        foreach (var w in linear.Weights)
        {
            if (i >= size)
            {
                break;
            }

            weights[i++] = w;
        }

        return new ListingExplainer(weights, names, size - ListingFeatures.Count);
    }

    /// <summary>The <paramref name="top"/> largest contributions by magnitude, largest first.</summary>
    public IReadOnlyList<Reason> Explain(VBuffer<float> features, ListingEvidence evidence, int top)
    {
        var reasons = new List<Reason>();
        var bySource = new double[4];
        foreach (var (index, value) in Items(features))
        {
            if (index >= _weights.Length || value == 0)
            {
                continue;
            }

            var contribution = (double)_weights[index] * value;
            if (index >= _lexiconOffset)
            {
                bySource[(int)LexiconSources[index - _lexiconOffset]] += contribution;
            }
            else if (contribution != 0)
            {
                reasons.Add(NGram(_slotNames[index], contribution));
            }
        }

        var signals = evidence.Hits.Where(h => !h.Negative && h.SpeciesGroup == SpeciesGroups.TradeSignal).ToList();
        Attribute(reasons, Reason.Term, evidence.Species, bySource[(int)Source.Species]);
        Attribute(reasons, Reason.DecoyTerm, evidence.Negatives, bySource[(int)Source.Decoy]);
        Attribute(reasons, Reason.SignalTerm, signals, bySource[(int)Source.Signal]);
        if (bySource[(int)Source.Price] != 0)
        {
            reasons.Add(new Reason(Reason.Price, "price", bySource[(int)Source.Price]));
        }

        return reasons
            .GroupBy(r => (r.Kind, r.Feature))
            .Select(g => new Reason(g.Key.Kind, g.Key.Feature, Math.Round(g.Sum(r => r.Contribution), 4)))
            .OrderByDescending(r => Math.Abs(r.Contribution))
            .ThenBy(r => r.Feature, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }

    /// <summary>Taxa named by the listing's uncovered species hits, in order of first mention.</summary>
    public static IReadOnlyList<TaxonMatch> Taxa(ListingEvidence evidence) =>
        evidence.Species
            .OrderBy(h => h.Start)
            .GroupBy(h => h.Taxon, StringComparer.Ordinal)
            .Select(g => new TaxonMatch(g.Key, g.First().CitesAppendix, g.First().SpeciesGroup, g.Select(h => h.Term).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();

    // The lexicon vector's contribution is shared by the terms that produced it, longest (most specific) first.
    private static void Attribute(List<Reason> reasons, string kind, IReadOnlyList<LexiconHit> hits, double total)
    {
        if (total == 0 || hits.Count == 0)
        {
            return;
        }

        var terms = hits.Select(h => h.Term).Distinct(StringComparer.Ordinal).ToList();
        foreach (var term in terms)
        {
            reasons.Add(new Reason(kind, term, total / terms.Count));
        }
    }

    // The text featurizer names its slots "TextFeatures.Word.<n-gram>" and "TextFeatures.Char.<n-gram>", tokens joined by '|'
    // and the text's ends marked with control pictures.
    private static Reason NGram(string? slot, double contribution)
    {
        var name = slot ?? "";
        name = name.StartsWith("TextFeatures.", StringComparison.Ordinal) ? name["TextFeatures.".Length..] : name;
        if (name.StartsWith("Word.", StringComparison.Ordinal))
        {
            return new Reason(Reason.Words, name["Word.".Length..].Replace('|', ' '), contribution);
        }

        name = name.StartsWith("Char.", StringComparison.Ordinal) ? name["Char.".Length..] : name;
        name = name.Replace("<␂>", "^", StringComparison.Ordinal).Replace("<␃>", "$", StringComparison.Ordinal).Replace("<␠>", "_", StringComparison.Ordinal).Replace("|", "", StringComparison.Ordinal);
        return new Reason(Reason.Characters, name, contribution);
    }

    private static IEnumerable<(int Index, T Value)> Items<T>(VBuffer<T> buffer)
    {
        var values = buffer.GetValues().ToArray();
        var indices = buffer.IsDense ? null : buffer.GetIndices().ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            yield return (indices is null ? i : indices[i], values[i]);
        }
    }

    private static LinearModelParameters? LinearOf(object? model) => model switch
    {
        LinearModelParameters linear => linear,
        // A calibrated model (trained, or loaded from a zip) wraps the linear one; its generic type differs between the two.
        not null => model.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name == "SubModel" && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(model))
            .OfType<LinearModelParameters>()
            .FirstOrDefault(),
        _ => null,
    };

    private static Source[] BuildSources()
    {
        var sources = new Source[ListingFeatures.Count];
        // Fixed features (see ListingFeatures.Extract): decoy-side evidence at 1, 3, 6, 8, 11, 12, 13; signals at 4; price at 7.
        foreach (var i in new[] { 1, 3, 6, 8, 11, 12, 13 })
        {
            sources[i] = Source.Decoy;
        }

        sources[4] = Source.Signal;
        sources[7] = Source.Price;
        var groupOffset = ListingFeatures.Count - SpeciesGroups.All.Count;
        for (var g = 0; g < SpeciesGroups.All.Count; g++)
        {
            if (SpeciesGroups.All[g] == SpeciesGroups.TradeSignal)
            {
                sources[groupOffset + g] = Source.Signal;
            }
        }

        return sources;
    }
}
