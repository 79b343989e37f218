using System.Text.Json;

namespace WildlifeWatch.Benchmarks;

/// <summary>
/// Where each benchmark leaves its figures: <c>artifacts/bench/&lt;benchmark&gt;.json</c> (or <c>BENCH_OUT</c>), which the
/// report step gathers into <c>results.json</c> and <c>docs/benchmarks.md</c>.
/// </summary>
public static class BenchReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Directory =>
        Environment.GetEnvironmentVariable("BENCH_OUT") is { Length: > 0 } configured ? configured : Path.Combine("artifacts", "bench");

    public static string Save(string benchmark, IReadOnlyList<Figure> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, benchmark + ".json");
        // Stamped inside the file rather than read from its write time, which a copy or a restore would change.
        var at = DateTimeOffset.UtcNow;
        var commit = SourceCommit();
        File.WriteAllText(path, JsonSerializer.Serialize(figures.Select(f => f with { MeasuredAt = f.MeasuredAt ?? at, Commit = f.Commit ?? commit }), Json));
        Console.WriteLine();
        foreach (var f in figures)
        {
            var comparison = f.Peer is null ? string.Empty : $"  vs {f.Peer} {f.PeerValue:N1} -> ratio {f.Ratio:N2}";
            var spread = f.Min is null ? string.Empty : $" (min {f.Min:N1}, max {f.Max:N1}, {f.Runs} runs)";
            Console.WriteLine($"{f.Name}: {f.Value:N1} {f.Unit}{spread}{comparison}");
        }

        Console.WriteLine($"Figures written to {path}");
        return path;
    }

    /// <summary>The commit the benchmark was built from (with <c>-dirty</c> for local changes), or null outside a git checkout.</summary>
    private static string? SourceCommit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "describe --always --dirty --abbrev=7")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
