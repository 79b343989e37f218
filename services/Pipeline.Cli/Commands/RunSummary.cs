using System.Globalization;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary>The closing table of a run; against the demo marketplace it also grades detection on its ground truth.</summary>
internal sealed record RunSummary(
    string CrawlId,
    TimeSpan Elapsed,
    CrawlProgress Progress,
    IReadOnlyList<(string Group, int Count)> AlertsBySpecies,
    IReadOnlyList<string> ModelVersions,
    DemoGrade? Grade)
{
    public static async Task<RunSummary> CollectAsync(IPipelineStore store, string crawlId, TimeSpan elapsed, DemoMarketplaceServer? demo, CancellationToken ct)
    {
        var progress = await store.GetProgressAsync(crawlId, ct);
        var alerts = await store.GetAlertsAsync(crawlId, ct);
        var listings = await store.GetScoredListingsAsync(crawlId, ct);
        var bySpecies = alerts.GroupBy(a => a.SpeciesGroup).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var models = listings.Select(l => l.Score?.ModelVersion).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var grade = demo is null ? null : DemoGrade.Compute(demo.GroundTruth, listings, alerts);
        return new RunSummary(crawlId, elapsed, progress, bySpecies, models, grade);
    }

    public void Print(TextWriter output)
    {
        var rows = new List<(string, string)>
        {
            ("Crawl", CrawlId),
            ("Pages captured", N(Progress.Captures)),
            ("Fetches failed", N(Progress.FrontierFailed)),
            ("Listings extracted", N(Progress.Listings)),
            ("Listings scored", N(Progress.Listings - Progress.ListingsPendingScore)),
            ("Alerts raised", N(Progress.Alerts)),
        };
        rows.AddRange(AlertsBySpecies.Select(s => ($"  {s.Group}", N(s.Count))));
        rows.Add(("Model", ModelVersions.Count == 0 ? "-" : string.Join(", ", ModelVersions)));
        rows.Add(("Elapsed", Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)));
        if (Grade is { } g)
        {
            rows.Add(("Demo listings captured", $"{g.ListingsFound}/{g.ListingsTotal}"));
            rows.Add(("Alert precision", g.Precision.ToString("F3", CultureInfo.InvariantCulture)));
            rows.Add(("Alert recall", g.Recall.ToString("F3", CultureInfo.InvariantCulture)));
            rows.Add(("Decoys under threshold", $"{g.DecoysQuiet}/{g.Decoys} ({g.DecoyQuietShare:P1})"));
        }

        var left = rows.Max(r => r.Item1.Length);
        var right = rows.Max(r => r.Item2.Length);
        var rule = $"+{new string('-', left + 2)}+{new string('-', right + 2)}+";
        output.WriteLine(rule);
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"| {name.PadRight(left)} | {value.PadLeft(right)} |");
        }

        output.WriteLine(rule);
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Alert quality against the demo marketplace's ground truth.</summary>
internal sealed record DemoGrade(int ListingsTotal, int ListingsFound, int TruePositives, int FalsePositives, int Wildlife, int Decoys, int DecoysQuiet)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Wildlife == 0 ? 0 : (double)TruePositives / Wildlife;

    public double DecoyQuietShare => Decoys == 0 ? 1 : (double)DecoysQuiet / Decoys;

    public static DemoGrade Compute(IReadOnlyList<GroundTruthEntry> truth, IReadOnlyList<ScoredListing> listings, IReadOnlyList<Alert> alerts)
    {
        var byPath = listings.GroupBy(l => new Uri(l.Listing.Url).AbsolutePath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var alerted = alerts.Select(a => a.ListingId).ToHashSet(StringComparer.Ordinal);
        int found = 0, tp = 0, fp = 0, decoysQuiet = 0;
        foreach (var entry in truth)
        {
            var isAlert = false;
            if (byPath.TryGetValue(entry.Path, out var listing))
            {
                found++;
                isAlert = alerted.Contains(listing.Listing.Id);
            }

            tp += entry.IsWildlife && isAlert ? 1 : 0;
            fp += !entry.IsWildlife && isAlert ? 1 : 0;
            decoysQuiet += entry.IsDecoy && !isAlert ? 1 : 0;
        }

        return new DemoGrade(truth.Count, found, tp, fp, truth.Count(t => t.IsWildlife), truth.Count(t => t.IsDecoy), decoysQuiet);
    }
}
