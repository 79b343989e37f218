using WildlifeWatch.DemoMarketplace;

namespace WildlifeWatch.DemoMarketplace.Tests;

public sealed class GroundTruthTests
{
    private static readonly string[] Languages = ["en", "fr", "es", "pt", "zh", "vi"];

    private IReadOnlyList<GroundTruthEntry> _truth = null!;
    private IReadOnlyList<ListingRow> _listings = null!;
    private IReadOnlyList<string> _categories = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _truth = GroundTruth.Load();
        (_categories, _listings) = TestSupport.LoadListings();
    }

    [Test]
    public void Ground_truth_has_at_least_220_entries() =>
        Assert.That(_truth, Has.Count.GreaterThanOrEqualTo(220));

    [TestCaseSource(nameof(Languages))]
    public void Each_language_has_at_least_25_listings_and_7_wildlife_listings(string language)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_truth.Count(t => t.Language == language), Is.GreaterThanOrEqualTo(25));
            Assert.That(_truth.Count(t => t.Language == language && t.IsWildlife), Is.GreaterThanOrEqualTo(7));
            Assert.That(_truth.Count(t => t.Language == language && t.IsDecoy), Is.GreaterThanOrEqualTo(5), "hard decoys in every language");
        }
    }

    [Test]
    public void Only_the_six_site_languages_are_used() =>
        Assert.That(_truth.Select(t => t.Language).Distinct(), Is.EquivalentTo(Languages));

    [Test]
    public void Wildlife_share_is_between_20_and_30_percent()
    {
        var share = (double)_truth.Count(t => t.IsWildlife) / _truth.Count;
        Assert.That(share, Is.InRange(0.20, 0.30));
    }

    [Test]
    public void There_are_at_least_70_decoys_and_no_decoy_is_wildlife()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_truth.Count(t => t.IsDecoy), Is.GreaterThanOrEqualTo(70));
            Assert.That(_truth.Where(t => t.IsDecoy && t.IsWildlife), Is.Empty);
        }
    }

    [Test]
    public void Wildlife_entries_name_product_and_species_and_others_name_neither()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_truth.Where(t => t.IsWildlife && (string.IsNullOrEmpty(t.ProductType) || string.IsNullOrEmpty(t.SpeciesGroup))), Is.Empty);
            Assert.That(_truth.Where(t => !t.IsWildlife && (t.ProductType is not null || t.SpeciesGroup is not null)), Is.Empty);
        }
    }

    [Test]
    public void Ids_are_unique_and_paths_are_item_urls()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_truth.Select(t => t.Id), Is.Unique);
            Assert.That(_truth.Where(t => t.Path != $"/item/{t.Id}"), Is.Empty);
        }
    }

    [Test]
    public void Every_ground_truth_id_is_in_listings_json_and_vice_versa()
    {
        var truthIds = _truth.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var listingIds = _listings.Select(l => l.Id).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(listingIds, Is.Unique);
            Assert.That(listingIds, Is.EquivalentTo(truthIds));
        }
    }

    [Test]
    public void Ground_truth_language_matches_the_listing_language()
    {
        var byId = _listings.ToDictionary(l => l.Id, StringComparer.Ordinal);
        Assert.That(_truth.Where(t => byId.TryGetValue(t.Id, out var l) && l.Language != t.Language).Select(t => t.Id), Is.Empty);
    }

    [Test]
    public void Listings_have_text_a_known_category_and_one_to_three_images()
    {
        var categories = _categories.ToHashSet(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_categories, Has.Count.InRange(6, 8));
            Assert.That(_listings.Where(l => !categories.Contains(l.Category)).Select(l => l.Id), Is.Empty);
            Assert.That(_listings.Where(l => string.IsNullOrWhiteSpace(l.Title) || string.IsNullOrWhiteSpace(l.Description)).Select(l => l.Id), Is.Empty);
            Assert.That(_listings.Where(l => l.ImageColours.Length is < 1 or > 3).Select(l => l.Id), Is.Empty);
            Assert.That(_listings.Select(l => l.Title), Is.Unique);
        }
    }

    [Test]
    public void Wildlife_and_decoys_are_mixed_through_several_categories()
    {
        var byId = _listings.ToDictionary(l => l.Id, StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_truth.Where(t => t.IsWildlife).Select(t => byId[t.Id].Category).Distinct().Count(), Is.GreaterThanOrEqualTo(4));
            Assert.That(_truth.Where(t => t.IsDecoy).Select(t => byId[t.Id].Category).Distinct().Count(), Is.GreaterThanOrEqualTo(6));
        }
    }

    [Test]
    public void Most_wildlife_listings_avoid_the_plain_English_species_name()
    {
        string[] english = ["ivory", "rhino", "pangolin", "tiger", "bear", "shark", "hawksbill", "tortoise", "python", "parrot", "macaw", "hornbill", "loris", "macaque", "gibbon"];
        var byId = _listings.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var wildlife = _truth.Where(t => t.IsWildlife).Select(t => byId[t.Id]).ToList();
        var plain = wildlife.Count(l => english.Any(w => (l.Title + " " + l.Description).Contains(w, StringComparison.OrdinalIgnoreCase)));
        Assert.That(plain, Is.LessThan(wildlife.Count / 2));
    }
}
