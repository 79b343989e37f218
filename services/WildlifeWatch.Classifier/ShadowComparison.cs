using System.Globalization;
using System.Text;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>One listing the shadow and the live model disagree on at the threshold.</summary>
public sealed record ShadowDisagreement(string ListingId, string Title, double Live, double Shadow, bool? Label);

/// <summary>
/// The comparison report of a shadow challenger against the live model on the same traffic: how often they agree at the
/// alert threshold, which alerts the challenger would add or drop, and, on listings investigators labeled, both models'
/// precision and recall.
/// </summary>
public sealed record ShadowComparison(
    string ShadowVersion,
    int Compared,
    int LiveAlerts,
    int ShadowAlerts,
    double MeanAbsoluteDifference,
    IReadOnlyList<ShadowDisagreement> Disagreements,
    int Labeled,
    (int Tp, int Fp, int Fn) LiveOnLabels,
    (int Tp, int Fp, int Fn) ShadowOnLabels)
{
    public double Agreement => Compared == 0 ? 1 : 1 - ((double)Disagreements.Count / Compared);

    public static async Task<ShadowComparison> CreateAsync(IPipelineStore store, string shadowVersion, double threshold, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var labels = (await store.GetLabelsAsync(null, ct))
            .GroupBy(l => l.ListingId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(l => l.LabeledAt)!.IsWildlife, StringComparer.Ordinal);
        int compared = 0, liveAlerts = 0, shadowAlerts = 0, labeled = 0;
        double difference = 0;
        var disagreements = new List<ShadowDisagreement>();
        var liveCounts = new int[3];
        var shadowCounts = new int[3];
        foreach (var shadow in await store.GetShadowScoresAsync(shadowVersion, ct))
        {
            // The live score of the same listing: the latest one by another model.
            var live = (await store.GetScoreHistoryAsync(shadow.ListingId, ct)).LastOrDefault(s => s.ModelVersion != shadowVersion);
            if (live is null)
            {
                continue;
            }

            compared++;
            difference += Math.Abs(live.Value - shadow.Value);
            var (liveAlert, shadowAlert) = (live.Value >= threshold, shadow.Value >= threshold);
            liveAlerts += liveAlert ? 1 : 0;
            shadowAlerts += shadowAlert ? 1 : 0;
            bool? label = labels.TryGetValue(shadow.ListingId, out var l) ? l : null;
            if (liveAlert != shadowAlert)
            {
                var title = (await store.GetListingAsync(shadow.ListingId, ct))?.Title ?? "";
                disagreements.Add(new ShadowDisagreement(shadow.ListingId, title, live.Value, shadow.Value, label));
            }

            if (label is { } truth)
            {
                labeled++;
                Count(liveCounts, truth, liveAlert);
                Count(shadowCounts, truth, shadowAlert);
            }
        }

        return new ShadowComparison(shadowVersion, compared, liveAlerts, shadowAlerts, compared == 0 ? 0 : difference / compared, disagreements, labeled,
            (liveCounts[0], liveCounts[1], liveCounts[2]), (shadowCounts[0], shadowCounts[1], shadowCounts[2]));
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"shadow {ShadowVersion}: {Compared} listings scored by both models");
        text.AppendLine(CultureInfo.InvariantCulture, $"  agreement at the threshold {Agreement:P1}; mean |live - shadow| {MeanAbsoluteDifference:F3}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  alerts: live {LiveAlerts}, shadow {ShadowAlerts} " +
            $"(+{Disagreements.Count(d => d.Shadow > d.Live)} new, -{Disagreements.Count(d => d.Shadow < d.Live)} dropped)");
        if (Labeled > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  on {Labeled} labeled listings: live {Describe(LiveOnLabels)}; shadow {Describe(ShadowOnLabels)}");
        }

        foreach (var d in Disagreements.Take(50))
        {
            var truth = d.Label is { } l ? (l ? " [labeled wildlife]" : " [labeled not wildlife]") : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {d.Live:F2} -> {d.Shadow:F2}  {d.ListingId}  {d.Title}{truth}");
        }

        return text.ToString();
    }

    private static void Count(int[] counts, bool truth, bool alert)
    {
        switch ((truth, alert))
        {
            case (true, true): counts[0]++; break;
            case (false, true): counts[1]++; break;
            case (true, false): counts[2]++; break;
        }
    }

    private static string Describe((int Tp, int Fp, int Fn) c) => string.Create(CultureInfo.InvariantCulture,
        $"precision {(c.Tp + c.Fp == 0 ? 0 : (double)c.Tp / (c.Tp + c.Fp)):F3}, recall {(c.Tp + c.Fn == 0 ? 0 : (double)c.Tp / (c.Tp + c.Fn)):F3}");
}
