using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Extractor.Tests;

[NonParallelizable]
public sealed class SellerLinkerTests
{
    private const ulong Hash = 0x0123_4567_89AB_CDEFUL;
    private TemporaryStore _temporary = null!;

    [SetUp]
    public async Task SetUp() => _temporary = await TemporaryStore.CreateAsync("crawl-linker", "wtw-linker");

    [TearDown]
    public void TearDown() => _temporary.Dispose();

    [TestCase(30.0, true, TestName = "Detailed_photos_with_one_hash_link_their_listings")]
    [TestCase(5.0, false, TestName = "Gradients_and_banners_with_one_hash_link_nothing")]
    public async Task Near_duplicate_images_link_only_when_they_have_detail(double detail, bool linked)
    {
        var linker = new SellerLinker(_temporary.Store, nearDuplicateMaxDistance: 6);

        await LinkAsync(linker, "l1", detail, Hash);
        var actor = await LinkAsync(linker, "l2", detail, Hash ^ 0b101);

        Assert.That(actor?.ListingIds, linked ? Is.EqualTo(new[] { "l1", "l2" }) : Is.Null);
    }

    [Test]
    public async Task An_image_shared_by_more_listings_than_the_stock_bound_links_nothing()
    {
        var linker = new SellerLinker(_temporary.Store, nearDuplicateMaxDistance: 6, stockImageListings: 2);
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            await _temporary.Store.SaveListingTraitsAsync(Traits(id, 30, Hash));
        }

        var actor = await LinkAsync(linker, "s4", 30, Hash);

        Assert.That(actor, Is.Null);
    }

    [Test]
    public async Task Urls_are_not_evidence_but_a_shared_handle_is()
    {
        var linker = new SellerLinker(_temporary.Store, nearDuplicateMaxDistance: 6);
        ContactIdentifier[] contacts = [new(ContactKinds.Url, "https://help.example/"), new(ContactKinds.Line, "tusk.th")];
        await _temporary.Store.SaveListingTraitsAsync(new ListingTraits("a", null, contacts, []));
        await _temporary.Store.SaveListingTraitsAsync(new ListingTraits("b", null, contacts, []));

        var actor = await linker.LinkAsync(new ListingTraits("b", null, contacts, []));

        Assert.That(actor!.Links.Select(l => (l.Kind, l.Evidence)), Is.EqualTo(new[] { (ContactKinds.Line, "tusk.th") }));
    }

    private async Task<Actor?> LinkAsync(SellerLinker linker, string id, double detail, ulong hash)
    {
        var traits = Traits(id, detail, hash);
        await _temporary.Store.SaveListingTraitsAsync(traits);
        return await linker.LinkAsync(traits);
    }

    private static ListingTraits Traits(string id, double detail, ulong hash) =>
        new(id, null, [], [new ListingImage($"http://img.example/{id}.jpg", "sha-" + id, hash, 640, 480, "jpeg") { Detail = detail }]);
}
