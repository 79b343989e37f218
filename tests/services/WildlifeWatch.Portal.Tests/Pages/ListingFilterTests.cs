using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using WildlifeWatch.Portal.Pages;

namespace WildlifeWatch.Portal.Tests.Pages;

public sealed class ListingFilterTests
{
    [Test]
    public void Filters_become_a_listing_query_whose_until_day_is_included()
    {
        Assert.That(ListingFilter.TryParse(Query(("minScore", "0.7"), ("species", "elephants"), ("country", "vn"), ("until", "2025-03-01"), ("status", "removed")),
            null, out var filter, out _), Is.True);

        var query = filter.ToQuery(25);

        Assert.That(query.MinScore, Is.EqualTo(0.7));
        Assert.That(query.SpeciesGroup, Is.EqualTo("elephants"));
        Assert.That(query.Country, Is.EqualTo("VN"));
        Assert.That(query.Until, Is.EqualTo(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(query.Removed, Is.True);
        Assert.That(query.PageSize, Is.EqualTo(25));
    }

    [Test]
    public void A_partners_platform_replaces_the_platform_asked_for()
    {
        ListingFilter.TryParse(Query(("platform", "other.example")), "shop.example", out var filter, out _);

        Assert.That(filter.Platform, Is.EqualTo("shop.example"));
    }

    [TestCase("minScore", "1.5")]
    [TestCase("minScore", "high")]
    [TestCase("from", "yesterday-ish")]
    [TestCase("status", "deleted")]
    public void A_bad_value_is_an_error_not_an_ignored_filter(string key, string value)
    {
        Assert.That(ListingFilter.TryParse(Query((key, value)), null, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(key));
    }

    [Test]
    public void The_next_page_link_keeps_every_filter_and_carries_the_cursor()
    {
        ListingFilter.TryParse(Query(("minScore", "0.5"), ("seller", "a b&c"), ("status", "live")), null, out var filter, out _);

        var query = filter.QueryString("CURSOR");

        Assert.That(query, Is.EqualTo("?minScore=0.5&seller=a%20b%26c&status=live&cursor=CURSOR"));
    }

    [Test]
    public void Only_a_listing_cursor_passes_as_one()
    {
        Assert.That(ListingFilter.IsListingCursor(WildlifeWatch.Store.ListingCursor.Encode(0.5, "l1")), Is.True);
        Assert.That(ListingFilter.IsListingCursor("not-a-cursor"), Is.False);
    }

    private static QueryCollection Query(params (string Key, string Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
}
