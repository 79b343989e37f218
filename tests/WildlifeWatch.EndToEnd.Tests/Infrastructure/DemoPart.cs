using System.Text.Json;
using System.Text.RegularExpressions;
using WildlifeWatch.DemoMarketplace;

namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A part of the demo marketplace small enough for a distributed test: the category richest in wildlife
/// and the one richest in decoys, their pages and their listings. The expected listings are read from
/// the site's JSON API, not from the crawler.
/// </summary>
public sealed partial record DemoPart(IReadOnlyList<string> StartUrls, int MaxDepth, string IncludePatternsJson, IReadOnlyList<GroundTruthEntry> Expected)
{
    /// <param name="firstPagesOnly">
    /// Only the first page of each category and its listings: about a third of the crawl, for tests whose subject is
    /// what happens during a crawl rather than its size.
    /// </param>
    public static async Task<DemoPart> ChooseAsync(DemoMarketplaceServer demo, bool firstPagesOnly = false)
    {
        using var http = new HttpClient { BaseAddress = demo.BaseUrl };
        var home = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var slugs = CategoryLink().Matches(home).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).Distinct().ToList();
        Assert.That(slugs, Is.Not.Empty, "the demo home page links its categories");

        var truth = demo.GroundTruth.ToDictionary(t => t.Id);
        var candidates = new List<(string Slug, List<GroundTruthEntry> Items)>();
        foreach (var slug in slugs)
        {
            var items = new List<GroundTruthEntry>();
            for (var page = 1; ; page++)
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/category/{Uri.EscapeDataString(slug)}?page={page}", UriKind.Relative)));
                items.AddRange(doc.RootElement.GetProperty("items").EnumerateArray().Select(i => truth[i.GetProperty("id").GetString()!]));
                if (firstPagesOnly || page >= doc.RootElement.GetProperty("pageCount").GetInt32())
                {
                    break;
                }
            }

            candidates.Add((slug, items));
        }

        var wildlife = candidates.OrderByDescending(c => c.Items.Count(i => i.IsWildlife)).First();
        var decoys = candidates.Where(c => c.Slug != wildlife.Slug).OrderByDescending(c => c.Items.Count(i => i.IsDecoy)).First();
        var chosen = new[] { wildlife, decoys };
        // A category's other pages carry a query (?page=2); the first-pages part leaves them out.
        var categoryEnd = firstPagesOnly ? "$" : "(\\?|$)";
        var patterns = chosen.Select(c => "^" + Regex.Escape("/c/" + Uri.EscapeDataString(c.Slug)) + categoryEnd).Append("^/item/").ToArray();

        // Depth 0 the categories, 1 their other pages and first listings, 2 the listings of the other pages.
        return new DemoPart(
            chosen.Select(c => new Uri(demo.BaseUrl, "c/" + Uri.EscapeDataString(c.Slug)).AbsoluteUri).ToList(),
            firstPagesOnly ? 1 : 2,
            JsonSerializer.Serialize(patterns),
            chosen.SelectMany(c => c.Items).ToList());
    }

    [GeneratedRegex("href=\"/c/([^\"?]+)\"")]
    private static partial Regex CategoryLink();
}
