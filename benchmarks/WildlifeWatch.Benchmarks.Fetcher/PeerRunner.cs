using System.Diagnostics;
using System.Text.Json;

namespace WildlifeWatch.Benchmarks.Fetcher;

/// <summary>Runs a Node peer script of benchmarks/peers over a URL file and reads the JSON line it prints.</summary>
internal sealed class PeerRunner(string directory)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(15);

    public static PeerRunner? Find(string directory) =>
        Directory.Exists(Path.Combine(directory, "node_modules", "crawlee")) && Directory.Exists(Path.Combine(directory, "node_modules", "playwright-core"))
            ? new PeerRunner(Path.GetFullPath(directory))
            : null;

    public async Task<FetchRun> RunAsync(string script, string warmupFile, string urlsFile, int concurrency, string chromium)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--warmup", warmupFile, "--urls", urlsFile, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chromium", chromium })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var rss = RssSampler.Start(process.Id);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {Bound}");
        }

        var peak = await rss.StopAsync();
        var line = (await stdout).Split('\n').LastOrDefault(l => l.StartsWith("{\"peer\"", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }

        var result = JsonSerializer.Deserialize<PeerResult>(line, BenchReport.Json)!;
        return new FetchRun(result.Pages, result.Failed, result.Seconds, peak, result.Pages - result.Failed - result.Rendered, result.CpuSeconds);
    }

    private sealed record PeerResult(string Peer, int Pages, int Failed, double Seconds, int Rendered, double? CpuSeconds);
}
