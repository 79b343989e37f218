using System.Text;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Classifier.Tests;

public sealed class LabelQueueTests
{
    private const string CrawlId = "crawl-labels";
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Uncertain_and_novel_listings_come_first_and_labeled_ones_are_left_out()
    {
        using var temporary = await TemporaryStore.CreateAsync(CrawlId, "wtw-label-queue");
        var store = temporary.Store;
        await AddAsync(store, ("sure-no", "oak table", "solid oak dining table", 0.02), ("unsure", "oak table", "solid oak dining table", 0.52),
            ("novel", "zorbulite gizmoflange", "quantaxial vortiplex snorkwhistle", 0.02), ("sure-yes", "oak table", "solid oak", 0.97),
            ("labeled", "oak table", "solid oak", 0.5));
        await store.AddLabelAsync(new Label("labeled", false, null, "investigator", Now));
        var queue = new LabelQueue([new LabeledListing("c1", "en", "Oak table", "solid oak dining table", false, ProductTypes.NotWildlife)]);

        var ranked = await queue.BuildAsync(store, 10);

        Assert.Multiple(() =>
        {
            Assert.That(ranked.Select(c => c.ListingId), Is.EqualTo(new[] { "unsure", "novel", "sure-yes", "sure-no" }));
            Assert.That(ranked.Single(c => c.ListingId == "novel").NewTerms, Does.Contain("zorbulite").And.Contain("snorkwhistle"));
            Assert.That(ranked.Single(c => c.ListingId == "sure-no").NewTerms, Is.Empty);
            Assert.That(ranked[0].Uncertainty, Is.GreaterThan(0.9));
        });
        Assert.That(await queue.BuildAsync(store, 2), Has.Count.EqualTo(2));
    }

    private static async Task AddAsync(IPipelineStore store, params (string Id, string Title, string Description, double Score)[] listings)
    {
        var sha = await store.PutArtifactAsync(Encoding.UTF8.GetBytes("<html></html>"), "text/html");
        foreach (var (id, title, description, score) in listings)
        {
            var url = $"https://market.example/{id}";
            await store.AddCaptureAsync(new Capture("cap-" + id, CrawlId, "seed", url, url, url, 200, 0, Now, Now, sha, sha, sha, sha));
            await store.CompleteExtractionAsync("cap-" + id, new Listing(id, CrawlId, "cap-" + id, url, title, description, null, null, null, [], [], Now));
            await store.AddScoreAsync(new Score(id, CrawlId, "m-1", score, Now));
        }
    }
}
