using Microsoft.Data.Sqlite;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Store;

namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>What every end-to-end crawl of the demo marketplace must show, whatever the transport.</summary>
internal static class CrawlAssertions
{
    public static async Task AssertCompleteAndAccurateAsync(IPipelineStore store, string crawlId, IReadOnlyCollection<GroundTruthEntry> expected)
    {
        var captures = await store.GetCapturesAsync(crawlId);
        var listings = await store.GetScoredListingsAsync(crawlId);
        var alerts = await store.GetAlertsAsync(crawlId);
        var frontier = await store.GetFrontierAsync(crawlId);
        var progress = await store.GetProgressAsync(crawlId);

        Assert.That(progress.IsIdle, Is.True, $"the crawl is not finished: {progress}");
        Assert.That(frontier.Where(f => f.State == FrontierState.Failed).Select(f => $"{f.Url}: {f.Error}"), Is.Empty, "failed fetches");

        // Every expected listing page captured exactly once, whatever spelling its links used.
        var capturedItemPaths = captures.Select(c => new Uri(c.Url).AbsolutePath).Where(p => p.StartsWith("/item/", StringComparison.Ordinal)).ToList();
        Assert.That(capturedItemPaths, Is.Unique, "a listing page was captured twice");
        Assert.That(capturedItemPaths, Is.EquivalentTo(expected.Select(e => e.Path)), "captured listing pages");
        Assert.That(frontier.Select(f => new Uri(f.NormalizedUrl)).Where(u => u.Host != "127.0.0.1" || u.AbsolutePath.StartsWith("/account/", StringComparison.Ordinal) || u.AbsolutePath == "/cart"),
            Is.Empty, "out-of-scope or robots-disallowed URLs in the frontier");

        // Evidence: screenshots are PNGs and every stored hash still matches its bytes.
        foreach (var capture in captures.Take(25))
        {
            var png = await store.GetArtifactAsync(capture.ScreenshotSha256);
            Assert.That(png, Is.Not.Null.And.Length.GreaterThan(1000));
            Assert.That(png![..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "screenshot is a PNG");
        }

        var evidence = await new EvidenceVerifier(store).VerifyAsync(crawlId);
        Assert.That(evidence.Problems, Is.Empty);
        Assert.That(evidence.CapturesChecked, Is.EqualTo(captures.Count));

        // Every listing scored, with the model that scored it.
        Assert.That(listings.Select(l => new Uri(l.Listing.Url).AbsolutePath), Is.EquivalentTo(expected.Select(e => e.Path)), "extracted listings");
        Assert.That(listings.Where(l => l.Score is null).Select(l => l.Listing.Url), Is.Empty, "unscored listings");
        Assert.That(listings.Select(l => l.Score!.ModelVersion).Distinct(), Has.Exactly(1).Items.And.All.Not.Empty);

        // Detection quality against the ground truth.
        var alerted = alerts.Select(a => a.ListingId).ToHashSet();
        var byPath = listings.ToDictionary(l => new Uri(l.Listing.Url).AbsolutePath, l => alerted.Contains(l.Listing.Id));
        var truePositives = expected.Count(e => e.IsWildlife && byPath[e.Path]);
        var falsePositives = expected.Where(e => !e.IsWildlife && byPath[e.Path]).Select(e => e.Id).ToList();
        var missed = expected.Where(e => e.IsWildlife && !byPath[e.Path]).Select(e => e.Id).ToList();
        var decoys = expected.Where(e => e.IsDecoy).ToList();
        var quietDecoys = decoys.Count(d => !byPath[d.Path]);
        var precision = (double)truePositives / Math.Max(1, truePositives + falsePositives.Count);
        var recall = (double)truePositives / Math.Max(1, expected.Count(e => e.IsWildlife));
        TestContext.Out.WriteLine($"precision {precision:F3}, recall {recall:F3}, decoys quiet {quietDecoys}/{decoys.Count}; false positives: {string.Join(", ", falsePositives)}; missed: {string.Join(", ", missed)}");
        Assert.That(precision, Is.GreaterThanOrEqualTo(0.9), $"precision; false positives: {string.Join(", ", falsePositives)}");
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.9), $"recall; missed: {string.Join(", ", missed)}");
        Assert.That((double)quietDecoys / Math.Max(1, decoys.Count), Is.GreaterThanOrEqualTo(0.9), "share of decoys under the threshold");
    }

    /// <summary>Reads the SQLite file directly: one capture per page, one listing per capture and page, one score per listing, one alert per listing.</summary>
    public static void AssertNoDuplicatesByKey(string databasePath, string crawlId)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        IReadOnlyList<string> Duplicates(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$crawl", crawlId);
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add($"{reader.GetString(0)} x{reader.GetInt64(1)}");
            }

            return keys;
        }

        Assert.Multiple(() =>
        {
            Assert.That(Duplicates("SELECT normalized_url, COUNT(*) FROM captures WHERE crawl_id = $crawl GROUP BY normalized_url HAVING COUNT(*) > 1"), Is.Empty, "captures per page");
            Assert.That(Duplicates("SELECT capture_id, COUNT(*) FROM listings WHERE crawl_id = $crawl GROUP BY capture_id HAVING COUNT(*) > 1"), Is.Empty, "listings per capture");
            Assert.That(Duplicates("SELECT url, COUNT(*) FROM listings WHERE crawl_id = $crawl GROUP BY url HAVING COUNT(*) > 1"), Is.Empty, "listings per URL");
            Assert.That(Duplicates("SELECT s.listing_id, COUNT(*) FROM scores s JOIN listings l ON l.id = s.listing_id WHERE l.crawl_id = $crawl GROUP BY s.listing_id HAVING COUNT(*) > 1"), Is.Empty, "scores per listing");
            Assert.That(Duplicates("SELECT a.listing_id, COUNT(*) FROM alerts a JOIN listings l ON l.id = a.listing_id WHERE l.crawl_id = $crawl GROUP BY a.listing_id HAVING COUNT(*) > 1"), Is.Empty, "alerts per listing");
        });
    }
}
