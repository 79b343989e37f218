using System.Collections.Concurrent;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Which page templates (<see cref="SettleWindows.TemplateOf"/>) take their DOM and screenshot early, during the quiet
/// window (<see cref="FetcherOptions.CaptureEarly"/>). An early capture that had to be taken again cost a DOM read and a
/// screenshot for nothing, so a template whose last <see cref="DiscardsBeforePause"/> early captures were discarded (a
/// page that keeps changing itself) stops trying, except every <see cref="FetcherOptions.NetworkQuietRecheckPages"/>-th
/// page, which finds out whether it has stopped changing.
/// </summary>
public sealed class EarlyCaptures(FetcherOptions options)
{
    /// <summary>Discarded early captures in a row after which a template stops trying.</summary>
    public const int DiscardsBeforePause = 2;

    // Templates remembered at most; beyond, every template starts trying again rather than the map growing without bound.
    private const int MaxTemplates = 10_000;

    private readonly ConcurrentDictionary<string, Template> _templates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the template's next page should capture early.</summary>
    public bool ShouldTry(string template)
    {
        if (!options.CaptureEarly)
        {
            return false;
        }

        if (_templates.Count > MaxTemplates)
        {
            _templates.Clear();
        }

        var state = _templates.GetOrAdd(template, _ => new Template());
        lock (state)
        {
            state.Pages++;
            return state.Discarded < DiscardsBeforePause || state.Pages % options.NetworkQuietRecheckPages == 0;
        }
    }

    /// <summary>What became of an early capture of the template: kept, or discarded because the page changed.</summary>
    public void Observe(string template, bool kept)
    {
        var state = _templates.GetOrAdd(template, _ => new Template());
        lock (state)
        {
            state.Discarded = kept ? 0 : state.Discarded + 1;
        }
    }

    private sealed class Template
    {
        public long Pages { get; set; }

        public int Discarded { get; set; }
    }
}
