using WildlifeWatch.Portal.Screening;

namespace WildlifeWatch.Portal.Tests.Screening;

public sealed class ScreeningRequestTests
{
    [Test]
    public void A_listing_with_a_title_is_valid()
    {
        Assert.That(new ScreeningRequest("Ivory bangle", null, 10m, "shop.example", "en").Validate(), Is.Empty);
    }

    [Test]
    public void Each_bad_field_is_named()
    {
        var errors = new ScreeningRequest(" ", new string('x', ScreeningRequest.MaxDescription + 1), -1m, null, "en_US!").Validate();

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "title", "description", "price", "language" }));
    }
}
