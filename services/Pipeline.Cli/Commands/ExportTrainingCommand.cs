using WildlifeWatch.Classifier;
using WildlifeWatch.Cli.Training;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline export-training --format parquet|csv --output FILE</c>: the corpus plus the investigators' labels (audited).</summary>
internal static class ExportTrainingCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "format", "output", "data", "db", "no-labels" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var format = line.String("format") ?? "csv";
        if (!TrainingExport.Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new UsageException($"--format must be {string.Join(" or ", TrainingExport.Formats)}, not '{format}'.");
        }

        var outputPath = line.String("output") ?? throw new UsageException("export-training needs --output FILE.");
        var corpus = line.String("data") is { } path ? TrainCommand.LoadCorpus(path) : TrainingData.LoadDefault();
        await using var access = line.Flag("no-labels") ? null : await StoreAccess.TryOpenAsync(line, ct);
        var rows = await TrainingSet.GatherAsync(corpus, access?.Store, ct);
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using (var output = File.Create(full))
        {
            await TrainingExport.WriteAsync(rows, format, output, ct);
        }

        if (access is not null)
        {
            await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "export-training", "training-data", $"{rows.Count} rows as {format}", DateTimeOffset.UtcNow), ct);
        }

        Console.WriteLine($"Wrote {rows.Count} listings ({rows.Count(r => r.Source == TrainingSet.LabelSource)} from investigators' labels) to {full} as {format}.");
        return ExitCodes.Ok;
    }
}
