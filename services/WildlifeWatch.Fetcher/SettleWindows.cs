using System.Collections.Concurrent;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// How long pages must be quiet before they count as settled, learned per page template (<see cref="TemplateOf"/>: the
/// host and the first path segment, as <c>/item/…</c> and <c>/search</c> pages of a site are rendered by different
/// scripts). A template's first pages, and samples after, wait the full <see cref="FetcherOptions.NetworkQuietMs"/>
/// and report the longest pause they saw between one request ending and the next starting; the others wait twice the
/// median of the last full pages' longest pauses plus a margin, never less than <see cref="FetcherOptions.NetworkQuietMinMs"/>
/// nor more than the full window. A site whose scripts pause before fetching keeps the full window; a site that
/// fetches as fast as it renders stops paying for a pause it never makes.
/// <para>
/// Samples come every <see cref="FetcherOptions.NetworkQuietRecheckPages"/> pages at first. Each sample whose pause fits
/// the window in use with room to spare (under <see cref="NearMissShare"/> of it) doubles the interval, up to
/// <see cref="FetcherOptions.NetworkQuietRecheckMaxPages"/>; one that does not sets it back. So does a page of the
/// shorter window whose own pause came that close to it: the next page is a sample. A template that stays as learned pays for few
/// full windows, and one that changes is seen at once where its pauses grow, within the first interval where they jump.
/// </para>
/// </summary>
public sealed class SettleWindows(FetcherOptions options)
{
    /// <summary>Full-window pages a template needs before its window can shrink.</summary>
    public const int FirstFullPages = 3;

    /// <summary>The recent full-window pages whose longest pause sets the window.</summary>
    public const int Remembered = 10;

    // Templates remembered at most; a crawl over more starts learning again rather than growing without bound.
    private const int MaxTemplates = 10_000;

    /// <summary>A pause of at least this share of a page's shortened window was nearly cut off.</summary>
    public const double NearMissShare = 0.75;

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

        var state = _templates.GetOrAdd(template, _ => new Template(options.NetworkQuietRecheckPages));
        lock (state)
        {
            state.Pages++;
            if (state.Pauses.Count < FirstFullPages || state.Pages >= state.NextSample)
            {
                // For now: pages started while this sample is out are not samples too; its result sets the next one.
                state.NextSample = state.Pages + state.Interval;
                return (Full, true);
            }

            return (Learned(state), false);
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

    /// <summary>
    /// What a page that waited <paramref name="quiet"/> saw: the longest pause between its requests. A full-window
    /// page's pause is learned from; a shorter-window page only says whether its pause came close to its window.
    /// </summary>
    public void Observe(string template, TimeSpan longestPause, bool full, TimeSpan quiet)
    {
        if (!Learning)
        {
            return;
        }

        var state = _templates.GetOrAdd(template, _ => new Template(options.NetworkQuietRecheckPages));
        lock (state)
        {
            if (!full)
            {
                if (longestPause >= quiet * NearMissShare)
                {
                    state.Interval = options.NetworkQuietRecheckPages;
                    state.NextSample = state.Pages + 1;
                }

                return;
            }

            var learnedFrom = state.Pauses.Count >= FirstFullPages ? Learned(state) : (TimeSpan?)null;
            state.Pauses.Enqueue(longestPause);
            while (state.Pauses.Count > Remembered)
            {
                state.Pauses.Dequeue();
            }

            if (learnedFrom is { } window)
            {
                // The sample agrees when its pause would not have been a near miss for the window in use.
                state.Interval = longestPause < window * NearMissShare
                    ? Math.Min(state.Interval * 2, options.NetworkQuietRecheckMaxPages)
                    : options.NetworkQuietRecheckPages;
            }

            state.NextSample = state.Pages + state.Interval;
        }
    }

    private sealed class Template(int interval)
    {
        public long Pages { get; set; }

        /// <summary>Pages between full-window samples now.</summary>
        public int Interval { get; set; } = interval;

        /// <summary>The page count at which the next sample is due.</summary>
        public long NextSample { get; set; } = long.MaxValue;

        public Queue<TimeSpan> Pauses { get; } = new();
    }
}
