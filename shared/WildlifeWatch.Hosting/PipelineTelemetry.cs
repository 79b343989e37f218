using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Hosting;

/// <summary>
/// The pipeline's own activity source and meter; MassTransit adds its send and consume spans around each hop and
/// carries the trace context in the message headers, so one page's trace runs from the scheduler to the alert.
/// </summary>
public static partial class PipelineTelemetry
{
    public const string Name = "WildlifeWatch.Pipeline";

    /// <summary>Span attributes; metric labels are the short names in <see cref="Labels"/>.</summary>
    public static class Tags
    {
        public const string Stage = "wtw.stage";
        public const string CrawlId = "wtw.crawl.id";
        public const string UrlHost = "wtw.url.host";
        public const string ModelVersion = "wtw.model.version";
        public const string ListingId = "wtw.listing.id";
        public const string CorrelationId = "wtw.correlation.id";
    }

    /// <summary>Metric labels: few distinct values each (never a URL or an id), so series stay bounded.</summary>
    public static class Labels
    {
        public const string Stage = "stage";
        public const string Message = "message";
        public const string Outcome = "outcome";
        public const string Host = "host";
        public const string Reason = "reason";
        public const string ModelVersion = "model_version";
        public const string SpeciesGroup = "species_group";
        public const string Severity = "severity";
    }

    /// <summary>The stages, named as in the queue names (<c>wtw.&lt;stage&gt;.*</c>).</summary>
    public static IReadOnlyList<string> Stages { get; } = ["scheduler", "fetcher", "extractor", "classifier", "alerts"];

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly double[] ScoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

    public static ActivitySource Source { get; } = new(Name);

    public static ActivitySource ActivitySource => Source;

    public static Meter Meter { get; } = new(Name);

    public static Counter<long> MessagesHandled { get; } = Meter.CreateCounter<long>(
        "wtw.stage.messages", "{message}", "Messages a stage handled, by stage, message type and outcome (ok, failed).");

    public static Histogram<double> MessageDuration { get; } = Meter.CreateHistogram(
        "wtw.stage.duration", "s", "Time a stage spent on one message.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Counter<long> PagesFetched { get; } = Meter.CreateCounter<long>(
        "wtw.fetcher.pages.fetched", "{page}", "Pages captured, by host.");

    public static Counter<long> PagesFailed { get; } = Meter.CreateCounter<long>(
        "wtw.fetcher.pages.failed", "{page}", "Fetches that ended without a capture, by host and reason.");

    public static Histogram<double> FetchDuration { get; } = Meter.CreateHistogram(
        "wtw.fetcher.fetch.duration", "s", "Time to capture a page, retries included, by host and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static UpDownCounter<long> BrowserContexts { get; } = Meter.CreateUpDownCounter<long>(
        "wtw.fetcher.browser.contexts", "{context}", "Browser contexts open right now.");

    public static Histogram<double> ExtractionDuration { get; } = Meter.CreateHistogram(
        "wtw.extractor.extraction.duration", "s", "Time to read a listing's fields and lexicon hits from a page.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Histogram<double> ScoringDuration { get; } = Meter.CreateHistogram(
        "wtw.classifier.scoring.duration", "s", "Time the model took to score one listing.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Histogram<double> Scores { get; } = Meter.CreateHistogram(
        "wtw.classifier.score", null, "Distribution of listing scores (0..1), by model version.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });

    public static Counter<long> AlertsRaised { get; } = Meter.CreateCounter<long>(
        "wtw.alerts.raised", "{alert}", "Alerts raised, by species group and severity.");

    public static ObservableGauge<long> ResidentMemory { get; } = Meter.CreateObservableGauge(
        "wtw.process.memory.rss", () => Environment.WorkingSet, "By", "Resident set size of the process.");

    /// <summary>The stage that consumes from <paramref name="queue"/> (<c>wtw.fetcher.fetch-requested</c> is the fetcher's).</summary>
    public static string StageOfQueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var parts = queue.Split('.');
        return parts.Length >= 3 && parts[0] == "wtw" ? parts[1] : "other";
    }

    /// <summary>A low-cardinality reason for a failed fetch, read from the free-text reason the fetcher records.</summary>
    public static string FailureReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "unknown";
        }

        // Non-HTML first: its text names the (successful) HTTP status too.
        if (reason.Contains("non-HTML", StringComparison.OrdinalIgnoreCase))
        {
            return "non_html";
        }

        if (HttpStatus().Match(reason) is { Success: true } status)
        {
            return "http_" + status.Groups[1].Value;
        }

        return reason switch
        {
            _ when reason.Contains("timed out", StringComparison.OrdinalIgnoreCase) || reason.Contains("timeout", StringComparison.OrdinalIgnoreCase) => "timeout",
            _ when reason.Contains("NAME_NOT_RESOLVED", StringComparison.OrdinalIgnoreCase) || reason.Contains("DNS", StringComparison.Ordinal) => "dns",
            _ when reason.Contains("CONNECTION", StringComparison.OrdinalIgnoreCase) || reason.Contains("refused", StringComparison.OrdinalIgnoreCase) => "connection",
            _ when reason.Contains("malformed", StringComparison.OrdinalIgnoreCase) || reason.Contains("unsupported URL", StringComparison.OrdinalIgnoreCase) => "bad_url",
            _ when reason.Contains("robots", StringComparison.OrdinalIgnoreCase) => "robots",
            _ => "other",
        };
    }

    /// <summary>The host of a URL for a label or an attribute; "invalid" when it is none.</summary>
    public static string HostOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : "invalid";

    /// <summary>
    /// Starts the trace of one page's journey (scheduler → fetcher → extractor → classifier → alerts) as a new root,
    /// linked to the trace that discovered the page: a crawl would otherwise be a single trace of every page.
    /// Disposing restores the caller's current activity.
    /// </summary>
    public static IDisposable StartPageJourney(string crawlId, string url)
    {
        var caller = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(
            "scheduler request-fetch",
            ActivityKind.Producer,
            default(ActivityContext),
            links: caller is null ? null : [new ActivityLink(caller.Context)]);
        activity?.SetTag(Tags.Stage, "scheduler");
        activity?.SetTag(Tags.CrawlId, crawlId);
        activity?.SetTag(Tags.UrlHost, HostOf(url));
        return new Restore(activity, caller);
    }

    /// <summary>Runs a store write in a span of its own (<c>store.write &lt;what&gt;</c>).</summary>
    public static async Task<T> StoreWriteAsync<T>(string what, Func<Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var activity = Source.StartActivity("store.write " + what);
        return await write();
    }

    /// <inheritdoc cref="StoreWriteAsync{T}(string, Func{Task{T}})"/>
    public static async Task StoreWriteAsync(string what, Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var activity = Source.StartActivity("store.write " + what);
        await write();
    }

    /// <summary>Times a fetch: dispose after <see cref="FetchMeasurement.Captured"/> or <see cref="FetchMeasurement.Failed"/>.</summary>
    public static FetchMeasurement MeasureFetch(string url) => new(HostOf(url));

    /// <summary>Extraction of one page's listing and lexicon hits, traced and timed.</summary>
    public static T MeasureExtraction<T>(Func<T> extract)
    {
        ArgumentNullException.ThrowIfNull(extract);
        using var activity = Source.StartActivity("extractor.extract");
        var started = Stopwatch.GetTimestamp();
        try
        {
            return extract();
        }
        finally
        {
            ExtractionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The lexicon scan of a listing's text, in a span with the number of hits.</summary>
    public static IReadOnlyList<T> LexiconScan<T>(Func<IReadOnlyList<T>> scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        using var activity = Source.StartActivity("lexicon.scan");
        var hits = scan();
        activity?.SetTag("wtw.lexicon.hits", hits.Count);
        return hits;
    }

    /// <summary>One model prediction, traced and timed, with the model version as attribute and label.</summary>
    public static T MeasureScoring<T>(string modelVersion, Func<T> score)
    {
        ArgumentNullException.ThrowIfNull(score);
        using var activity = Source.StartActivity("model.score");
        activity?.SetTag(Tags.ModelVersion, modelVersion);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return score();
        }
        finally
        {
            ScoringDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(Labels.ModelVersion, modelVersion));
        }
    }

    public static void RecordScore(double score, string modelVersion)
    {
        Scores.Record(score, new KeyValuePair<string, object?>(Labels.ModelVersion, modelVersion));
        Activity.Current?.SetTag("wtw.score", score);
    }

    public static void RecordAlert(string speciesGroup, string severity) =>
        AlertsRaised.Add(1, new KeyValuePair<string, object?>(Labels.SpeciesGroup, speciesGroup), new KeyValuePair<string, object?>(Labels.Severity, severity));

    /// <summary>Counts a browser context as in use until disposed.</summary>
    public static IDisposable TrackBrowserContext()
    {
        BrowserContexts.Add(1);
        return new Release(() => BrowserContexts.Add(-1));
    }

    /// <summary>The attributes a pipeline message gives the span of the stage that handles it.</summary>
    public static void TagMessage(Activity? activity, object message)
    {
        if (activity is null)
        {
            return;
        }

        if (message is IPipelineMessage m)
        {
            activity.SetTag(Tags.CrawlId, m.CrawlId);
            activity.SetTag(Tags.CorrelationId, m.CorrelationId);
        }

        var (url, listingId, modelVersion) = message switch
        {
            FetchRequested f => (f.Url, null, null),
            PageCaptured p => (p.Url, null, null),
            LinksDiscovered l => (l.SourceNormalizedUrl, null, null),
            FetchFailed f => (f.Url, null, null),
            ListingExtracted l => (l.Url, l.ListingId, null),
            ListingScored s => (s.Url, s.ListingId, s.ModelVersion),
            AlertRaised a => (a.Url, a.ListingId, a.ModelVersion),
            AlertUpdated u => (u.Url, u.ListingId, u.ModelVersion),
            _ => ((string?)null, (string?)null, (string?)null),
        };
        if (url is not null)
        {
            activity.SetTag(Tags.UrlHost, HostOf(url));
        }

        if (listingId is not null)
        {
            activity.SetTag(Tags.ListingId, listingId);
        }

        if (modelVersion is not null)
        {
            activity.SetTag(Tags.ModelVersion, modelVersion);
        }
    }

    [GeneratedRegex(@"\bHTTP (\d{3})\b")]
    private static partial Regex HttpStatus();

    private sealed class Restore(Activity? activity, Activity? caller) : IDisposable
    {
        public void Dispose()
        {
            activity?.Dispose();
            Activity.Current = caller;
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }
}

/// <summary>One fetch being timed; records its outcome once, when disposed.</summary>
public sealed class FetchMeasurement : IDisposable
{
    private readonly string _host;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _failure = "error";
    private bool _disposed;

    internal FetchMeasurement(string host)
    {
        _host = host;
        Activity.Current?.SetTag(PipelineTelemetry.Tags.UrlHost, host);
    }

    public void Captured() => _failure = null;

    /// <summary>The fetch ended without a capture; <paramref name="reason"/> is the recorded text, reduced to a label.</summary>
    public void Failed(string reason) => _failure = PipelineTelemetry.FailureReason(reason);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var host = new KeyValuePair<string, object?>(PipelineTelemetry.Labels.Host, _host);
        PipelineTelemetry.FetchDuration.Record(
            Stopwatch.GetElapsedTime(_started).TotalSeconds, host, new KeyValuePair<string, object?>(PipelineTelemetry.Labels.Outcome, _failure is null ? "captured" : "failed"));
        if (_failure is null)
        {
            PipelineTelemetry.PagesFetched.Add(1, host);
        }
        else
        {
            PipelineTelemetry.PagesFailed.Add(1, host, new KeyValuePair<string, object?>(PipelineTelemetry.Labels.Reason, _failure));
        }
    }
}
