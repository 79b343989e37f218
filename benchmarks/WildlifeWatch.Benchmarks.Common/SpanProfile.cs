using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace WildlifeWatch.Benchmarks;

/// <summary>
/// Where the time goes: the spans of one ActivitySource (the pipeline's own: navigate, network-quiet, read-dom,
/// screenshot, store writes, extract, score, ...) summed per name while a configuration runs, printed per item.
/// </summary>
public sealed class SpanProfile : IDisposable
{
    private readonly ConcurrentDictionary<string, (long Ticks, int Count)> _totals = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;
    private volatile bool _frozen;

    public SpanProfile(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (!_frozen)
                {
                    // A span that says whether its work was kept (the fetcher's early capture) is counted per outcome.
                    var name = a.GetTagItem("wtw.kept") is bool kept ? $"{a.OperationName} {(kept ? "kept" : "discarded")}" : a.OperationName;
                    _totals.AddOrUpdate(name, (a.Duration.Ticks, 1), (_, t) => (t.Ticks + a.Duration.Ticks, t.Count + 1));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Reset()
    {
        _totals.Clear();
        _frozen = false;
    }

    /// <summary>Stops adding spans until the next <see cref="Reset"/>, so what is printed is one measured stretch.</summary>
    public void Freeze() => _frozen = true;

    /// <summary>Milliseconds per item of each span name, largest first (concurrent items add up), and how many spans.</summary>
    public void Print(string label, int items, string item = "page")
    {
        var parts = _totals.OrderByDescending(t => t.Value.Ticks)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {TimeSpan.FromTicks(t.Value.Ticks).TotalMilliseconds / Math.Max(1, items):F1} ({t.Value.Count}x)"));
        Console.WriteLine($"    profile of {label}, ms per {item} (summed over {item}s in flight): {string.Join(", ", parts)}");
    }

    public void Dispose() => _listener.Dispose();
}
