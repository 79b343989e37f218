using System.Net;
using System.Text.RegularExpressions;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Scheduler.Tests.Fixtures;
using Store = WildlifeWatch.Store;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

/// <summary>
/// Listings of a fixture site watched from their first capture to their removal. A small stand-in for the fetcher
/// (plain HTTP, redirects followed) turns each answer into what the scheduler receives: a capture and its links, or a
/// failure with the HTTP status.
/// </summary>
public sealed partial class RemovalWatchTests : LoopbackSiteTests
{
    private PlannerHarness _harness = null!;

    [SetUp]
    public async Task StartPlanner()
    {
        _harness = await PlannerHarness.StartAsync(Http);
        foreach (var id in new[] { "1", "2", "3", "4", "5" })
        {
            Site.Serve($"/item/{id}", $"<html><body><h1>Listing {id}: carved ivory bangle</h1></body></html>");
        }

        Site.Serve("/search?q=ivory", "<html><body>Results for ivory</body></html>");
    }

    [TearDown]
    public Task StopPlanner() => _harness.DisposeAsync().AsTask();

    [Test]
    public async Task Not_found_gone_removal_text_and_redirect_to_search_mark_listings_removed_and_a_timeout_does_not()
    {
        await VisitAllAsync("c1");
        var seen = await _harness.Store.GetWatchedListingsAsync();

        Site.Serve("/item/1", "gone", status: 404);
        Site.Serve("/item/2", "gone", status: 410);
        Site.Serve("/item/3", "<html><body><p>This listing has been removed.</p></body></html>");
        Site.Redirect("/item/4", "/search?q=ivory");
        Site.Serve("/item/5", "busy", status: 503);
        await VisitAllAsync("c2");

        Assert.That(seen.Select(w => (new Uri(w.NormalizedUrl).AbsolutePath, w.RemovedAt)), Is.EquivalentTo(
            new[] { "/item/1", "/item/2", "/item/3", "/item/4", "/item/5" }.Select(p => (p, (DateTimeOffset?)null))));
        var reasons = (await _harness.Store.GetWatchedListingsAsync(removedOnly: true)).ToDictionary(w => new Uri(w.NormalizedUrl).AbsolutePath, w => w.RemovalReason);
        Assert.That(reasons, Is.EqualTo(new Dictionary<string, string?>
        {
            ["/item/1"] = "HTTP 404",
            ["/item/2"] = "HTTP 410",
            ["/item/3"] = "page says \"this listing has been removed\"",
            ["/item/4"] = $"redirected to {Site.Url("/search?q=ivory")}",
        }));
        var removed = (await _harness.Store.GetWatchedListingsAsync(removedOnly: true)).Single(w => w.NormalizedUrl.EndsWith("/item/1", StringComparison.Ordinal));
        Assert.That(removed.TimeToRemoval, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task Navigation_pages_are_not_watched()
    {
        Site.Serve("/c/jewellery", "<html><body>Category</body></html>");

        await VisitAsync("c1", Seed("/c/jewellery"), "/c/jewellery");

        Assert.That(await _harness.Store.GetWatchedListingsAsync(), Is.Empty);
    }

    private async Task VisitAllAsync(string crawlId)
    {
        var paths = Enumerable.Range(1, 5).Select(i => $"/item/{i}").ToArray();
        var seeds = Seed(paths);
        await _harness.Planner.StartAsync(crawlId, seeds, CancellationToken.None);
        foreach (var path in paths)
        {
            await VisitAsync(crawlId, seeds, path, started: true);
        }
    }

    /// <summary>Fetches the page as a fetcher would and hands the outcome to the planner.</summary>
    private async Task VisitAsync(string crawlId, SeedSet seeds, string path, bool started = false)
    {
        if (!started)
        {
            await _harness.Planner.StartAsync(crawlId, seeds, CancellationToken.None);
        }

        var url = Site.Url(path);
        using var response = await Http.GetAsync(url);
        var now = DateTimeOffset.UtcNow;
        if ((int)response.StatusCode >= 400)
        {
            await _harness.Planner.RecordFailureAsync(
                new FetchFailed(Guid.NewGuid(), crawlId, "s", url, url, $"HTTP {(int)response.StatusCode}", now, (int)response.StatusCode), CancellationToken.None);
            return;
        }

        var text = Tags().Replace(await response.Content.ReadAsStringAsync(), " ");
        var sha = await _harness.Store.PutArtifactAsync(System.Text.Encoding.UTF8.GetBytes(text), "text/plain");
        var final = response.RequestMessage!.RequestUri!.AbsoluteUri;
        await _harness.Store.AddCaptureAsync(new Store.Capture($"{crawlId}-{path}", crawlId, "s", url, url, final, (int)HttpStatusCode.OK, 0, now, now, sha, sha, sha, sha));
        await _harness.Planner.TakeLinksAsync(new LinksDiscovered(Guid.NewGuid(), crawlId, "s", url, 0, []), CancellationToken.None);
    }

    private SeedSet Seed(params string[] paths) => new() { Seeds = [new Seed { Id = "s", StartUrls = paths.Select(Site.Url).ToList(), MaxDepth = 0 }] };

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
