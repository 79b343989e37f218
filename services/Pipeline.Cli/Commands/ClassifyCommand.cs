using System.Text;
using WildlifeWatch.Classifier.Batch;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline classify --input listings.jsonl --output scores.jsonl</c>: batch scoring with the live model (or --model).
/// Problems go to stderr with their line numbers; the summary too, so stdout can carry the scores.
/// </summary>
internal static class ClassifyCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "input", "output", "model", "models", "threshold", "db" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var inputPath = line.String("input") ?? throw new UsageException("classify needs --input FILE (JSON lines; '-' for stdin).");
        var outputPath = line.String("output") ?? "-";
        if (inputPath != "-" && !File.Exists(inputPath))
        {
            throw new UsageException($"No input file '{inputPath}'.");
        }

        var threshold = ModelAccess.Threshold(line);
        using var lease = await ModelAccess.LoadAsync(line, ct);
        using var input = inputPath == "-" ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(inputPath, Encoding.UTF8);
        await using var output = outputPath == "-" ? Console.OpenStandardOutput() : OpenOutput(outputPath);
        var result = await new BatchClassifier(lease.Model, threshold).ClassifyAsync(input, output, ct);
        foreach (var problem in result.Problems)
        {
            await Console.Error.WriteLineAsync($"{inputPath}:{problem.LineNumber}: skipped: {problem.Message}");
        }

        await Console.Error.WriteLineAsync(
            $"Scored {result.Scored} listings with model {lease.Model.Version} ({result.Alerts} over the threshold {threshold:0.###}); skipped {result.Problems.Count} lines.");
        return result.Scored == 0 && result.Problems.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static FileStream OpenOutput(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
    }
}
