using System.Globalization;
using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline train</c>: k-fold cross-validation of each candidate trainer on the corpus plus the investigators' labels,
/// the best (F1, then PR AUC) trained on everything, its report printed and drawn, and the model registered in the store.
/// </summary>
internal static class TrainCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "data", "folds", "trainer", "seed", "report-dir", "models", "db", "no-labels",
    };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var folds = line.Int("folds", 2, 20) ?? 5;
        var seed = line.Int("seed", 0, int.MaxValue) ?? 7;
        var trainer = line.String("trainer") ?? "auto";
        var candidates = trainer == "auto" ? ListingModel.Trainers
            : ListingModel.Trainers.Contains(trainer, StringComparer.Ordinal) ? [trainer]
            : throw new UsageException($"--trainer must be auto or one of {string.Join(", ", ListingModel.Trainers)}, not '{trainer}'.");
        var corpus = line.String("data") is { } path ? LoadCorpus(path) : TrainingData.LoadDefault();

        await using var access = await StoreAccess.OpenAsync(line, createMissing: true, ct) ?? throw new InvalidOperationException("no store");
        var rows = await TrainingSet.GatherAsync(corpus, line.Flag("no-labels") ? null : access.Store, ct);
        var data = rows.Select(r => r.Listing).ToList();
        Console.WriteLine($"Training data: {corpus.Count} corpus listings + {rows.Count - corpus.Count} investigator labels = {data.Count} " +
            $"({data.Count(d => d.Label)} positive), {folds}-fold cross-validation, seed {seed}.");

        var lexicon = LexiconMatcher.LoadDefault();
        EvaluationReport? best = null;
        var chosen = candidates[0];
        foreach (var candidate in candidates)
        {
            var report = EvaluationReport.Create(ModelEvaluation.OutOfFoldScores(data, lexicon, candidate, folds, seed));
            var o = report.Overall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {candidate,-6} CV F1 {o.F1:F3}  precision {o.Precision:F3}  recall {o.Recall:F3}  ROC AUC {o.RocAuc:F3}  PR AUC {o.PrAuc:F3}  brier {o.Brier:F4}"));
            if (best is null || Better(report.Overall, best.Overall))
            {
                (best, chosen) = (report, candidate);
            }
        }

        using var model = ListingModel.Train(data, lexicon, chosen, seed);
        Console.WriteLine($"Chosen trainer: {chosen}. Cross-validated report:");
        Console.WriteLine(best!.ToText());
        var registry = ModelAccess.Registry(access, line);
        var entry = await registry.RegisterAsync(model, best.ToJson(), ModelRegistry.TrainingDataSha256(data), data.Count, ct);
        var directory = line.String("report-dir") ?? Path.Combine(ModelAccess.ClassifierOptions(line).ModelDirectory, "reports", model.Version);
        var charts = await ReportFiles.WriteAsync(best, directory, ct);
        Console.WriteLine($"Registered model {entry.Version} (trainer {chosen}, training data sha256 {entry.TrainingDataSha256[..12]}…) in {access.Description}.");
        Console.WriteLine($"Charts: {string.Join(", ", charts)}");
        Console.WriteLine($"Make it live with: pipeline publish {entry.Version}   (or try it first: pipeline publish {entry.Version} --shadow)");
        return ExitCodes.Ok;
    }

    private static bool Better(ClassMetrics candidate, ClassMetrics best) =>
        (candidate.F1 ?? 0) > (best.F1 ?? 0) + 1e-9 || (Math.Abs((candidate.F1 ?? 0) - (best.F1 ?? 0)) <= 1e-9 && (candidate.PrAuc ?? 0) > (best.PrAuc ?? 0));

    internal static IReadOnlyList<LabeledListing> LoadCorpus(string path)
    {
        try
        {
            return TrainingData.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new UsageException(e.Message);
        }
    }
}

/// <summary>The report's PNG charts, written beside each other.</summary>
internal static class ReportFiles
{
    public static async Task<IReadOnlyList<string>> WriteAsync(EvaluationReport report, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var curve = Path.Combine(directory, "pr-curve.png");
        var matrix = Path.Combine(directory, "confusion-matrix.png");
        await File.WriteAllBytesAsync(curve, ReportCharts.PrecisionRecallCurve(report), ct);
        await File.WriteAllBytesAsync(matrix, ReportCharts.ConfusionMatrix(report), ct);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.txt"), report.ToText(), ct);
        return [curve, matrix];
    }
}
