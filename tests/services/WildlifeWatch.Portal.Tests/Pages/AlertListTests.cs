using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Portal.Pages;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Tests.Pages;

public sealed class AlertListTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Keyset_pages_return_every_matching_alert_once_newest_first()
    {
        // Two alerts share a raise time: the id orders them, so neither is skipped nor repeated across a page break.
        var alerts = new[] { Alert("a", 0), Alert("b", 1), Alert("c", 1), Alert("d", 2), Alert("e", 3, platform: "other.example") };
        var filter = new ListingFilter { Platform = "shop.example" };
        var seen = new List<string>();
        (DateTimeOffset, string)? after = null;
        string? next;
        do
        {
            var page = AlertList.Page(alerts, filter, after, 2, out next);
            seen.AddRange(page.Select(a => a.Id));
            Assert.That(AlertCursor.TryDecode(next, out after), Is.True);
        }
        while (next is not null);

        Assert.That(seen, Is.EqualTo(new[] { "d", "b", "c", "a" }));
    }

    [Test]
    public void Alerts_are_filtered_by_score_species_and_day()
    {
        var alerts = new[] { Alert("low", 0, score: 0.55), Alert("rhino", 0, species: "rhinos"), Alert("late", 48), Alert("hit", 1) };
        var filter = new ListingFilter { MinScore = 0.6, Species = "elephants", Until = T0.Date };

        var page = AlertList.Page(alerts, filter, null, 10, out var next);

        Assert.That(page.Select(a => a.Id), Is.EqualTo(new[] { "hit" }));
        Assert.That(next, Is.Null);
    }

    [TestCase("%%%")]
    [TestCase("bm90IGEgY3Vyc29y")]
    public void A_garbled_cursor_is_refused(string cursor) => Assert.That(AlertCursor.TryDecode(cursor, out _), Is.False);

    private static Alert Alert(string id, int hours, double score = 0.9, string species = "elephants", string platform = "shop.example") =>
        new(id, "l-" + id, "c1", score, 0.5, "m1", AlertSeverity.High, species, platform, T0.AddHours(hours));
}
