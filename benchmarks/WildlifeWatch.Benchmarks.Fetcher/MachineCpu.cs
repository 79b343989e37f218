using System.Globalization;

namespace WildlifeWatch.Benchmarks.Fetcher;

/// <summary>
/// The machine's busy CPU time from <c>/proc/stat</c> (user, nice, system, irq, softirq; not idle, I/O wait or steal).
/// The whole machine, not a process tree: the demo marketplace serves every fetcher from the benchmark's own process,
/// and a fetcher's browser processes come and go; on a dedicated machine what else runs is the kernel's own.
/// </summary>
internal static class MachineCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc/stat.

    /// <summary>Busy CPU time since boot, or null where <c>/proc/stat</c> does not exist.</summary>
    public static TimeSpan? Busy()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal ...
            var busy = f[0] + f[1] + f[2] + f[5] + f[6];
            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
