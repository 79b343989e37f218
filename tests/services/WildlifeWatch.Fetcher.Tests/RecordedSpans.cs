using System.Collections.Concurrent;
using System.Diagnostics;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The pipeline's spans that end while this is alive, for tests that check what the loader chose to do.</summary>
internal sealed class RecordedSpans : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public RecordedSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PipelineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans of <paramref name="name"/>, in the order they ended.</summary>
    public IReadOnlyList<Activity> Named(string name) => [.. _stopped.Where(a => a.OperationName == name)];

    /// <summary>The spans of <paramref name="name"/> for pages of <paramref name="url"/>'s template (their <c>wtw.template</c> tag).</summary>
    public IReadOnlyList<Activity> Named(string name, Uri url) =>
        [.. Named(name).Where(a => a.GetTagItem("wtw.template") as string == SettleWindows.TemplateOf(url))];

    public void Dispose() => _listener.Dispose();
}
