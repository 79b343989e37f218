using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WildlifeWatch.Detection;

/// <summary>Binary-classification figures of one group of scored listings at a cut.</summary>
public sealed record ClassMetrics(
    string Group,
    int Count,
    int TruePositives,
    int FalsePositives,
    int TrueNegatives,
    int FalseNegatives,
    int Decoys,
    int DecoysBelowCut,
    double? RocAuc,
    double? PrAuc,
    double Brier)
{
    public int Positives => TruePositives + FalseNegatives;

    public double? Precision => TruePositives + FalsePositives == 0 ? null : (double)TruePositives / (TruePositives + FalsePositives);

    public double? Recall => Positives == 0 ? null : (double)TruePositives / Positives;

    public double? F1 => Precision is { } p && Recall is { } r ? (p + r == 0 ? 0 : 2 * p * r / (p + r)) : null;

    /// <summary>Share of hard decoys under the cut (null without decoys).</summary>
    public double? DecoysQuiet => Decoys == 0 ? null : (double)DecoysBelowCut / Decoys;
}

/// <summary>
/// The report of <c>pipeline train</c> (on cross-validated scores) and <c>pipeline evaluate</c> (on any labeled file):
/// precision, recall, F1, ROC AUC, PR AUC (average precision) and Brier score overall, per language and per product type,
/// the share of hard decoys under the cut, the precision-recall curve and the confusion matrix.
/// </summary>
public sealed class EvaluationReport
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private EvaluationReport(double cut, ClassMetrics overall, IReadOnlyList<ClassMetrics> byLanguage, IReadOnlyList<ClassMetrics> byProductType,
        IReadOnlyList<(double Recall, double Precision)> prCurve)
    {
        Cut = cut;
        Overall = overall;
        ByLanguage = byLanguage;
        ByProductType = byProductType;
        PrecisionRecallCurve = prCurve;
    }

    public double Cut { get; }

    public ClassMetrics Overall { get; }

    public IReadOnlyList<ClassMetrics> ByLanguage { get; }

    /// <summary>One row per product type of the labels: recall for wildlife types, decoys and false positives for not-wildlife.</summary>
    public IReadOnlyList<ClassMetrics> ByProductType { get; }

    /// <summary>(recall, precision) at every distinct score, from the highest threshold down.</summary>
    public IReadOnlyList<(double Recall, double Precision)> PrecisionRecallCurve { get; }

    public static EvaluationReport Create(IReadOnlyList<ScoredExample> scored, double cut = ModelEvaluation.Cut)
    {
        ArgumentNullException.ThrowIfNull(scored);
        if (scored.Count == 0)
        {
            throw new ArgumentException("Nothing to evaluate.", nameof(scored));
        }

        return new EvaluationReport(
            cut,
            Metrics("all", scored, cut),
            scored.GroupBy(s => s.Listing.Language, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Metrics(g.Key, [.. g], cut)).ToList(),
            scored.GroupBy(s => s.Listing.ProductType, StringComparer.Ordinal).OrderBy(g => ProductOrder(g.Key)).Select(g => Metrics(g.Key, [.. g], cut)).ToList(),
            Curve(scored));
    }

    public static ClassMetrics Metrics(string group, IReadOnlyList<ScoredExample> scored, double cut)
    {
        ArgumentNullException.ThrowIfNull(scored);
        int tp = 0, fp = 0, tn = 0, fn = 0, decoys = 0, quiet = 0;
        double brier = 0;
        foreach (var (listing, score) in scored)
        {
            var alert = score >= cut;
            switch ((listing.Label, alert))
            {
                case (true, true): tp++; break;
                case (true, false): fn++; break;
                case (false, true): fp++; break;
                default: tn++; break;
            }

            if (listing.Decoy)
            {
                decoys++;
                quiet += alert ? 0 : 1;
            }

            var error = score - (listing.Label ? 1 : 0);
            brier += error * error;
        }

        var both = tp + fn > 0 && fp + tn > 0;
        return new ClassMetrics(group, scored.Count, tp, fp, tn, fn, decoys, quiet,
            both ? RocAuc(scored) : null, both ? AveragePrecision(scored) : null, brier / scored.Count);
    }

    /// <summary>Probability that a random positive scores above a random negative (ties count half).</summary>
    public static double RocAuc(IReadOnlyList<ScoredExample> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var ranked = scored.OrderBy(s => s.Score).ToList();
        double rankSum = 0;
        var i = 0;
        while (i < ranked.Count)
        {
            var j = i;
            while (j + 1 < ranked.Count && ranked[j + 1].Score == ranked[i].Score)
            {
                j++;
            }

            var averageRank = (i + j + 2) / 2.0;
            for (var k = i; k <= j; k++)
            {
                rankSum += ranked[k].Listing.Label ? averageRank : 0;
            }

            i = j + 1;
        }

        double positives = scored.Count(s => s.Listing.Label);
        double negatives = scored.Count - positives;
        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    /// <summary>Area under the precision-recall curve as average precision: the mean precision at each positive's rank.</summary>
    public static double AveragePrecision(IReadOnlyList<ScoredExample> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var positives = scored.Count(s => s.Listing.Label);
        double sum = 0;
        double previousRecall = 0;
        foreach (var (recall, precision) in Curve(scored))
        {
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
        }

        return positives == 0 ? 0 : sum;
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"cut {Cut:F2}");
        Table(text, "group", [Overall]);
        text.AppendLine();
        Table(text, "language", ByLanguage);
        text.AppendLine();
        Table(text, "product type", ByProductType);
        text.AppendLine();
        text.AppendLine("confusion matrix (rows: label, columns: predicted)");
        text.AppendLine(CultureInfo.InvariantCulture, $"                wildlife  not-wildlife");
        text.AppendLine(CultureInfo.InvariantCulture, $"  wildlife      {Overall.TruePositives,8}  {Overall.FalseNegatives,12}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  not-wildlife  {Overall.FalsePositives,8}  {Overall.TrueNegatives,12}");
        return text.ToString();
    }

    /// <summary>The figures as JSON, as the model registry stores them.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(new
    {
        cut = Cut,
        overall = Row(Overall),
        byLanguage = ByLanguage.ToDictionary(m => m.Group, Row, StringComparer.Ordinal),
        byProductType = ByProductType.ToDictionary(m => m.Group, Row, StringComparer.Ordinal),
    }, Json);

    private static object Row(ClassMetrics m) => new
    {
        count = m.Count,
        positives = m.Positives,
        precision = Round(m.Precision),
        recall = Round(m.Recall),
        f1 = Round(m.F1),
        rocAuc = Round(m.RocAuc),
        prAuc = Round(m.PrAuc),
        brier = Round(m.Brier),
        decoys = m.Decoys,
        decoysQuiet = Round(m.DecoysQuiet),
        tp = m.TruePositives,
        fp = m.FalsePositives,
        tn = m.TrueNegatives,
        fn = m.FalseNegatives,
    };

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    private static void Table(StringBuilder text, string title, IReadOnlyList<ClassMetrics> rows)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"{title,-16}{"n",6}{"pos",6}{"prec",8}{"recall",8}{"F1",8}{"ROC AUC",9}{"PR AUC",8}{"brier",8}{"decoys quiet",14}");
        foreach (var m in rows)
        {
            var decoys = m.Decoys == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{m.DecoysBelowCut}/{m.Decoys}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{m.Group,-16}{m.Count,6}{m.Positives,6}{F(m.Precision),8}{F(m.Recall),8}{F(m.F1),8}{F(m.RocAuc),9}{F(m.PrAuc),8}{F(m.Brier),8}{decoys,14}");
        }
    }

    private static string F(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";

    private static int ProductOrder(string productType)
    {
        var i = ProductTypes.All.ToList().IndexOf(productType);
        return i < 0 ? int.MaxValue : i;
    }

    private static List<(double Recall, double Precision)> Curve(IReadOnlyList<ScoredExample> scored)
    {
        var positives = scored.Count(s => s.Listing.Label);
        var curve = new List<(double, double)>();
        if (positives == 0)
        {
            return curve;
        }

        var ranked = scored.OrderByDescending(s => s.Score).ToList();
        int tp = 0, seen = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            seen++;
            tp += ranked[i].Listing.Label ? 1 : 0;
            // One point per distinct score: tied listings enter the curve together.
            if (i + 1 == ranked.Count || ranked[i + 1].Score != ranked[i].Score)
            {
                curve.Add(((double)tp / positives, (double)tp / seen));
            }
        }

        return curve;
    }
}
