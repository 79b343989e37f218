using System.Text;
using System.Text.RegularExpressions;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Scores a link 0..1 so that the crawl reaches likely wildlife listings first. A listing page (by the seed's listing
/// patterns, or common listing URL shapes) outranks navigation; wildlife terms of the CITES lexicon in the URL's words
/// (decoded, so <c>/search?q=象牙</c> counts) or in the anchor text raise the score, in any language the lexicon knows;
/// decoy context (the lexicon's negative terms: "faux", "replica", "plush") lowers it. Depth costs a little.
/// </summary>
public sealed partial class LinkScorer(ILexiconMatcher lexicon)
{
    public const double StartPriority = 1.0;

    private const double ListingWeight = 0.45;
    private const double TermWeight = 0.15;
    private const double MaxTermBoost = 0.45;
    private const double TradeSignalWeight = 0.05;
    private const double NegativeWeight = 0.2;
    private const double DepthCost = 0.02;

    public double Score(Uri url, int depth, CrawlScope scope, string? anchorText = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(scope);
        var score = scope.IsListing(url) ? ListingWeight : 0;
        var words = UrlWords(url);
        var hits = lexicon.Match(string.IsNullOrWhiteSpace(anchorText) ? words : words + " \n " + anchorText);
        var wildlife = hits.Where(h => !h.Negative && h.SpeciesGroup != SpeciesGroups.TradeSignal).Select(h => h.Term).Distinct(StringComparer.Ordinal).Count();
        var trade = hits.Count(h => !h.Negative && h.SpeciesGroup == SpeciesGroups.TradeSignal);
        var negative = hits.Any(h => h.Negative);
        score += Math.Min(MaxTermBoost, wildlife * TermWeight) + (trade > 0 ? TradeSignalWeight : 0) - (negative ? NegativeWeight : 0);
        score -= DepthCost * Math.Max(0, depth);
        return Math.Round(Math.Clamp(score, 0, 0.99), 4);
    }

    /// <summary>The URL's path and query values as words: percent-decoded, separators turned into spaces.</summary>
    public static string UrlWords(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var sb = new StringBuilder(Uri.UnescapeDataString(url.AbsolutePath.Replace('+', ' ')));
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            sb.Append(' ').Append(Uri.UnescapeDataString((eq < 0 ? pair : pair[(eq + 1)..]).Replace('+', ' ')));
        }

        return Separators().Replace(sb.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"[/\-_.,;:=&?#|~]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();
}
