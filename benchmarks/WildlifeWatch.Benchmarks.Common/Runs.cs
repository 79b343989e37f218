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

        values.Sort();
        var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
        return (median, values[0], values[^1], values.Count);
    }

    public static Figure ToFigure(this (double Median, double Min, double Max, int Count) m, string benchmark, string name, string unit) =>
        new(benchmark, name, Math.Round(m.Median, 2), unit, Math.Round(m.Min, 2), Math.Round(m.Max, 2), m.Count);
}
