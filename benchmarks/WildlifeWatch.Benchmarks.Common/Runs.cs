using System.Diagnostics;

namespace WildlifeWatch.Benchmarks;

/// <summary>Warm-up, then several timed runs; the median is the figure, min and max its spread.</summary>
public static class Runs
{
    public static async Task<(double Median, double Min, double Max, int Count)> MeasureAsync(int warmups, int runs, Func<int, Task<double>> run, string label)
    {
        ArgumentNullException.ThrowIfNull(run);
        for (var i = 0; i < warmups; i++)
        {
            Console.Write($"  {label}: warm-up {i + 1}/{warmups} ... ");
            var clock = Stopwatch.StartNew();
            var value = await run(-1 - i);
            Console.WriteLine($"{value:N1} ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        var values = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            Console.Write($"  {label}: run {i + 1}/{runs} ... ");
            var clock = Stopwatch.StartNew();
            var value = await run(i);
            values.Add(value);
            Console.WriteLine($"{value:N1} ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        return Summarize(values);
    }

    /// <summary>
    /// Several subjects measured in rounds: each round runs every subject once, the order turning by one each round, so
    /// a machine (or broker) that gets faster or slower while the benchmark runs moves every subject's figures alike
    /// instead of favouring whoever ran first. One summary per subject, in the order given.
    /// </summary>
    public static async Task<IReadOnlyList<(double Median, double Min, double Max, int Count)>> MeasureInterleavedAsync(
        int warmups, int runs, IReadOnlyList<(string Label, Func<int, Task<double>> Run)> subjects)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var values = subjects.Select(_ => new List<double>(runs)).ToList();
        async Task<double> OnceAsync(int subject, int run, string what)
        {
            Console.Write($"  {subjects[subject].Label}: {what} ... ");
            var clock = Stopwatch.StartNew();
            var value = await subjects[subject].Run(run);
            Console.WriteLine($"{value:N1} ({clock.Elapsed.TotalSeconds:F1} s)");
            return value;
        }

        for (var i = 0; i < warmups; i++)
        {
            for (var s = 0; s < subjects.Count; s++)
            {
                await OnceAsync(s, -1 - i, $"warm-up {i + 1}/{warmups}");
            }
        }

        for (var round = 0; round < runs; round++)
        {
            for (var k = 0; k < subjects.Count; k++)
            {
                var s = (k + round) % subjects.Count;
                values[s].Add(await OnceAsync(s, round, $"run {round + 1}/{runs}"));
            }
        }

        return values.Select(Summarize).ToList();
    }

    /// <summary>The median of <paramref name="values"/> (of the middle two when their number is even), min, max and count.</summary>
    public static (double Median, double Min, double Max, int Count) Summarize(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values to summarize", nameof(values));
        }

        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return (median, sorted[0], sorted[^1], sorted.Count);
    }

    public static Figure ToFigure(this (double Median, double Min, double Max, int Count) m, string benchmark, string name, string unit, int digits = 2) =>
        new(benchmark, name, Math.Round(m.Median, digits), unit, Math.Round(m.Min, digits), Math.Round(m.Max, digits), m.Count);
}
