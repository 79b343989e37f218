using System.Globalization;

namespace WildlifeWatch.Benchmarks.Fetcher;

/// <summary>
/// Samples the resident memory of a process and all its descendants (driver, Chromium, renderers) from /proc, four times
/// a second: each look reads every process's stat, and more often would itself cost the fetchers measurable CPU.
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly int _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    private RssSampler(int root)
    {
        _root = root;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _peak = Math.Max(_peak, TreeRss(_root));
                try
                {
                    await Task.Delay(250, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public static RssSampler Start(int root) => new(root);

    /// <summary>Stops sampling; the peak in MB.</summary>
    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return _peak / 1024.0 / 1024.0;
    }

    public void Dispose() => _stop.Dispose();

    private static long TreeRss(int root)
    {
        var parents = new Dictionary<int, int>();
        var rss = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                rss[pid] = long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        long total = 0;
        foreach (var (pid, bytes) in rss)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (p == root)
                {
                    total += bytes;
                    break;
                }
            }
        }

        return total;
    }
}
