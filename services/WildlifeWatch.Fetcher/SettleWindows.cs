using System.Collections.Concurrent;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// How long pages must be quiet before they count as settled, learned per page template (<see cref="TemplateOf"/>: the
/// host and the first path segment, as <c>/item/…</c> and <c>/search</c> pages of a site are rendered by different
/// scripts). A template's first pages, and every
/// <see cref="FetcherOptions.NetworkQuietRecheckPages"/>-th after, wait the full <see cref="FetcherOptions.NetworkQuietMs"/>
/// and report the longest pause they saw between one request ending and the next starting; the others wait twice the
/// median of the last full pages' longest pauses plus a margin, never less than <see cref="FetcherOptions.NetworkQuietMinMs"/>
/// nor more than the full window. A site whose scripts pause before fetching keeps the full window; a site that
/// fetches as fast as it renders stops paying for a pause it never makes.
/// </summary>
public sealed class SettleWindows(FetcherOptions options)
{
    /// <summary>Full-window pages a template needs before its window can shrink.</summary>
    public const int FirstFullPages = 3;

    /// <summary>The recent full-window pages whose longest pause sets the window.</summary>
    public const int Remembered = 10;

    // Templates remembered at most; a crawl over more starts learning again rather than growing without bound.
    private const int MaxTemplates = 10_000;

    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, Template> _templates = new(StringComparer.OrdinalIgnoreCase);

    private TimeSpan Full => TimeSpan.FromMilliseconds(options.NetworkQuietMs);

    private bool Learning => options.NetworkQuietMinMs < options.NetworkQuietMs;

    /// <summary>The key pages share their learning under: the host and the first segment of the path.</summary>
    public static string TemplateOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = url.AbsolutePath;
        var end = path.IndexOf('/', 1);
        return url.IdnHost.ToLowerInvariant() + (end < 0 ? path : path[..end]);
    }

    /// <summary>The window the template's next page waits for, and whether it is the full one (a sample).</summary>
    public (TimeSpan Quiet, bool Full) Next(string template)
    {
        if (!Learning)
        {
            return (Full, true);
        }

        if (_templates.Count > MaxTemplates)
        {
            _templates.Clear();
        }

        var state = _templates.GetOrAdd(template, _ => new Template());
        lock (state)
        {
            state.Pages++;
            return state.Pauses.Count < FirstFullPages || state.Pages % options.NetworkQuietRecheckPages == 0
                ? (Full, true)
                : (Learned(state), false);
        }
    }

    /// <summary>The window the template's pages wait for when they are not samples.</summary>
    public TimeSpan Current(string template)
    {
        if (!Learning || !_templates.TryGetValue(template, out var state))
        {
            return Full;
        }

        lock (state)
        {
            return state.Pauses.Count < FirstFullPages ? Full : Learned(state);
        }
    }

    private TimeSpan Learned(Template state)
    {
        // The median, not the maximum: a cold renderer's first page pauses long once; a site's script pause shows on
        // every page and so in the median too.
        var sorted = state.Pauses.Order().ToList();
        var learned = (sorted[sorted.Count / 2] * 2) + Margin;
        return TimeSpan.FromTicks(Math.Clamp(learned.Ticks, TimeSpan.FromMilliseconds(options.NetworkQuietMinMs).Ticks, Full.Ticks));
    }

    /// <summary>What a full-window page saw: the longest pause between its requests. Other pages teach nothing.</summary>
    public void Observe(string template, TimeSpan longestPause, bool full)
    {
        if (!Learning || !full)
        {
            return;
        }

        var state = _templates.GetOrAdd(template, _ => new Template());
        lock (state)
        {
            state.Pauses.Enqueue(longestPause);
            while (state.Pauses.Count > Remembered)
            {
                state.Pauses.Dequeue();
            }
        }
    }

    private sealed class Template
    {
        public long Pages { get; set; }

        public Queue<TimeSpan> Pauses { get; } = new();
    }
}
