using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using WildlifeWatch.Benchmarks;

// Gathers the figures every benchmark left in artifacts/bench/*.json into artifacts/bench/results.json and renders
// docs/benchmarks.md: the machine, the date, and one table row per figure.
// Usage: dotnet run --project benchmarks/WildlifeWatch.Benchmarks.Report -- [--markdown docs/benchmarks.md]
var markdownPath = args.SkipWhile(a => a != "--markdown").Skip(1).FirstOrDefault() ?? Path.Combine("docs", "benchmarks.md");
var directory = BenchReport.Directory;
var files = Directory.Exists(directory)
    ? Directory.GetFiles(directory, "*.json").Where(f => Path.GetFileName(f) != "results.json").Order(StringComparer.Ordinal).ToList()
    : [];
if (files.Count == 0)
{
    Console.Error.WriteLine($"No benchmark figures in {directory}; run the benchmarks first (make bench).");
    return 1;
}

var figures = new List<Figure>();
// A benchmark re-run on its own (make bench-fetch) rewrites only its file: each section says when, and from which commit,
// its figures were taken. Files written before figures carried their own stamp fall back to the file's write time.
var measured = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var file in files)
{
    try
    {
        var read = JsonSerializer.Deserialize<List<Figure>>(File.ReadAllText(file), BenchReport.Json) ?? [];
        figures.AddRange(read);
        foreach (var group in read.GroupBy(f => f.Benchmark))
        {
            var stamped = group.Where(f => f.MeasuredAt is not null).ToList();
            measured[group.Key] = stamped.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Measured {stamped.Max(f => f.MeasuredAt)!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC")
                  + (stamped.Select(f => f.Commit).FirstOrDefault(c => c is not null) is { } commit ? $" on commit {commit}." : ".")
                : string.Create(CultureInfo.InvariantCulture, $"Measured {File.GetLastWriteTimeUtc(file):yyyy-MM-dd HH:mm} UTC (the file's write time; it carries no stamp of its own).");
        }
    }
    catch (JsonException e)
    {
        Console.Error.WriteLine($"Skipping {file}: not a list of figures ({e.Message}).");
    }
}

var machine = Machine.Describe();
var now = DateTimeOffset.UtcNow;
File.WriteAllText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(new { machine, date = now, figures }, BenchReport.Json));

var md = new StringBuilder();
md.AppendLine("# Benchmarks").AppendLine();
md.AppendLine("Written by `make bench` (each benchmark's own figures in `artifacts/bench/*.json`, all of them in");
md.AppendLine("`artifacts/bench/results.json`). Figures are medians of several runs after a warm-up, with min–max; a ratio is");
md.AppendLine("ours / the peer's. Everything runs on this one machine, against loopback only.").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"- Report written: {now:yyyy-MM-dd HH:mm} UTC (each section says when its figures were measured)");
md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryGiB:F0} GiB, {machine.Os}, .NET {machine.Runtime}");
md.AppendLine(CultureInfo.InvariantCulture, $"- Load average when the report was written: {machine.LoadAverage}").AppendLine();
foreach (var group in figures.GroupBy(f => f.Benchmark))
{
    md.AppendLine(CultureInfo.InvariantCulture, $"## {group.Key}").AppendLine();
    if (measured.TryGetValue(group.Key, out var at))
    {
        md.AppendLine(at).AppendLine();
    }

    md.AppendLine("| Figure | Value | Unit | Min–max (runs) | Peer | Peer value | Ratio | Target |");
    md.AppendLine("|---|---:|---|---|---|---:|---:|---|");
    foreach (var f in group)
    {
        var spread = f.Min is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{f.Min:N1}–{f.Max:N1} ({f.Runs})");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {f.Name} | {f.Value:N1} | {f.Unit} | {spread} | {f.Peer} | {(f.PeerValue is { } p ? p.ToString("N1", CultureInfo.InvariantCulture) : "")} | {(f.Ratio is { } r ? r.ToString("N2", CultureInfo.InvariantCulture) : "")} | {f.Target} |");
    }

    md.AppendLine();
}

File.WriteAllText(markdownPath, md.ToString());
Console.WriteLine($"{figures.Count} figures from {files.Count} benchmarks -> {Path.Combine(directory, "results.json")} and {markdownPath}");
return 0;

internal sealed record Machine(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, string LoadAverage)
{
    public static Machine Describe()
    {
        static string FirstLine(string path, string prefix) =>
            File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown" : "unknown";

        var memKb = FirstLine("/proc/meminfo", "MemTotal") is var mem && mem != "unknown"
            ? double.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture)
            : 0;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        return new Machine(FirstLine("/proc/cpuinfo", "model name"), Environment.ProcessorCount, memKb / 1024 / 1024,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal), load);
    }
}
