using System.Collections.Concurrent;
using AngleSharp.Dom;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// What <c>auto</c> mode has learnt per host: the last few pages fetched over plain HTTP and whether each needed the
/// browser. A host whose recent pages all needed it goes straight to the browser, with a plain probe now and then
/// so that a site that stops depending on scripts is noticed. In memory and per process, bounded per host.
/// </summary>
public sealed class RenderDecisions(int sampleSize)
{
    private const int MinimumSample = 3;
    private readonly ConcurrentDictionary<string, HostSample> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the host's pages are known to need the browser and this one need not be probed.</summary>
    public bool SkipHttp(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return _hosts.TryGetValue(url.IdnHost, out var sample) && sample.SkipHttp(MinimumSample, sampleSize);
    }

    public void Record(Uri url, bool neededBrowser)
    {
        ArgumentNullException.ThrowIfNull(url);
        _hosts.GetOrAdd(url.IdnHost, _ => new HostSample()).Add(neededBrowser, sampleSize);
    }

    /// <summary>
    /// Whether a plainly fetched page needs scripts for its content: an empty application root (React, Vue, Angular,
    /// Next), or scripts and a noscript notice with almost no visible text.
    /// </summary>
    public static bool NeedsBrowser(IDocument document, string visibleText)
    {
        ArgumentNullException.ThrowIfNull(document);
        var words = (visibleText ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var hasScripts = document.Scripts.Length > 0;
        foreach (var root in document.QuerySelectorAll("#root, #app, #__next, #__nuxt, #___gatsby, [data-reactroot], app-root, [ng-app], [data-v-app]"))
        {
            if (root.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length < 5 && hasScripts)
            {
                return true;
            }
        }

        var noscript = document.QuerySelectorAll("noscript").Any(n => n.TextContent.Contains("javascript", StringComparison.OrdinalIgnoreCase));
        return hasScripts && (words < 30 || (noscript && words < 120));
    }

    private sealed class HostSample
    {
        private readonly Queue<bool> _recent = new();
        private int _skipped;

        public void Add(bool neededBrowser, int size)
        {
            lock (_recent)
            {
                _recent.Enqueue(neededBrowser);
                while (_recent.Count > size)
                {
                    _recent.Dequeue();
                }
            }
        }

        public bool SkipHttp(int minimum, int probeEvery)
        {
            lock (_recent)
            {
                if (_recent.Count < minimum || _recent.Any(b => !b))
                {
                    return false;
                }

                // Every probeEvery-th page is fetched plainly again, to notice a site that changed.
                return ++_skipped % probeEvery != 0;
            }
        }
    }
}
