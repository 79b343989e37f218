using System.Globalization;
using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline evaluate --model V --data FILE</c>: the training report (and charts) for one model on any labeled file,
/// plus the quality gate per language. <c>--shadow</c> instead compares the shadow challenger with the live model on
/// the traffic both scored.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The quality target: F1 of the positive class and share of hard decoys under the threshold, per language.</summary>
    public const double Target = 0.9;

    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "model", "data", "threshold", "report-dir", "models", "db", "shadow",
    };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        if (line.Flag("shadow"))
        {
            return await CompareShadowAsync(line, ct);
        }

        var path = line.String("data") ?? throw new UsageException("evaluate needs --data FILE (labeled JSON lines, see data/training/README.md).");
        var data = TrainCommand.LoadCorpus(path);
        var threshold = ModelAccess.Threshold(line);
        using var lease = await ModelAccess.LoadAsync(line, ct);
        var report = EvaluationReport.Create(ModelEvaluation.Score(lease.Model, data), threshold);
        Console.WriteLine($"Model {lease.Model.Version} on {path} ({data.Count} listings, {data.Count(d => d.Label)} positive, {data.Count(d => d.Decoy)} hard decoys):");
        Console.WriteLine(report.ToText());
        var gate = QualityGate(report);
        foreach (var row in gate)
        {
            Console.WriteLine(row.Line);
        }

        var directory = line.String("report-dir") ?? Path.Combine(ModelAccess.ClassifierOptions(line).ModelDirectory, "reports", lease.Model.Version, "evaluate-" + Path.GetFileNameWithoutExtension(path));
        Console.WriteLine($"Charts: {string.Join(", ", await ReportFiles.WriteAsync(report, directory, ct))}");
        return ExitCodes.Ok;
    }

    /// <summary>One line per language: F1 of the positives and share of hard decoys under the threshold against the target.</summary>
    public static IReadOnlyList<(bool Passed, string Line)> QualityGate(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.ByLanguage.Select(m =>
        {
            var passed = (m.Positives == 0 || m.F1 >= Target) && (m.Decoys == 0 || m.DecoysQuiet >= Target);
            return (passed, string.Create(CultureInfo.InvariantCulture,
                $"quality {m.Group,-8} F1 {(m.F1 is { } f ? f.ToString("F3", CultureInfo.InvariantCulture) : "-"),6}  decoys quiet {(m.DecoysQuiet is { } d ? d.ToString("P0", CultureInfo.InvariantCulture) : "-"),5}  {(passed ? "ok" : "BELOW TARGET")}"));
        }).ToList();
    }

    private static async Task<int> CompareShadowAsync(CommandLine line, CancellationToken ct)
    {
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var version = line.String("model") ?? (await ModelAccess.Registry(access, line).GetPublicationAsync(ct)).Shadow
            ?? throw new UsageException("No shadow model is published; pass --model V to compare the shadow scores of V.");
        var comparison = await ShadowComparison.CreateAsync(access.Store, version, ModelAccess.Threshold(line), ct);
        Console.Write(comparison.ToText());
        return ExitCodes.Ok;
    }
}
