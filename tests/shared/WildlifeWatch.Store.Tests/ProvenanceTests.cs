namespace WildlifeWatch.Store.Tests;

public sealed class ProvenanceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly ProvenanceDeclaration Valid = new("p1", "Nguyễn Văn An", "+84 912 345 678", "Pair of carved tusks", "Loxodonta africana",
        AcquisitionMethod.ImportedWithPermit, new DateOnly(2019, 6, 1), "VN", "FR/2024/000123", ["l1"], Now);

    [TestCase("FR/2024/000123")]
    [TestCase("GB 23-ABC-0042")]
    [TestCase("DE-E-1234/22")]
    [TestCase("24US123456/9")]
    [TestCase("za 1234567")]
    [TestCase("KE.2021.00042")]
    public void Common_national_permit_formats_are_accepted(string permit) =>
        Assert.That(ProvenanceValidator.IsPermitNumber(permit), Is.True);

    [TestCase("")]
    [TestCase("123456")]
    [TestCase("permit pending")]
    [TestCase("XX/2024/000123")]
    [TestCase("FR/<script>1")]
    [TestCase("FR//2024")]
    [TestCase("FR1")]
    [TestCase("=cmd|'/C calc'!A0")]
    public void Garbage_is_not_a_permit_number(string permit) =>
        Assert.That(ProvenanceValidator.IsPermitNumber(permit), Is.False);

    [Test]
    public void A_complete_declaration_has_no_errors() =>
        Assert.That(ProvenanceValidator.Validate(Valid, Now), Is.Empty);

    [Test]
    public void Every_bad_field_is_reported_beside_its_name_without_throwing()
    {
        var bad = Valid with
        {
            OwnerName = " ",
            OwnerContact = "call me",
            SpecimenDescription = new string('x', ProvenanceValidator.MaxDescriptionLength + 1),
            Taxon = "Loxodonta\u0000",
            AcquisitionMethod = (AcquisitionMethod)42,
            AcquiredOn = new DateOnly(2027, 1, 1),
            Country = "XX",
            CitesPermitNumber = "n/a",
            ListingIds = [""],
        };

        var errors = ProvenanceValidator.Validate(bad, Now);

        Assert.That(errors.Select(e => e.Field), Is.EquivalentTo(new[]
        {
            "OwnerName", "OwnerContact", "SpecimenDescription", "Taxon", "AcquisitionMethod", "AcquiredOn", "Country", "CitesPermitNumber", "ListingIds",
        }));
        Assert.That(errors.Single(e => e.Field == "OwnerName").Message, Is.EqualTo("is required."));
    }

    [Test]
    public void A_permit_is_required_only_for_an_import_with_permit()
    {
        var inherited = Valid with { AcquisitionMethod = AcquisitionMethod.Inherited, CitesPermitNumber = null };
        var imported = Valid with { CitesPermitNumber = " " };

        Assert.That(ProvenanceValidator.Validate(inherited, Now), Is.Empty);
        Assert.That(ProvenanceValidator.Validate(imported, Now).Select(e => e.Field), Is.EqualTo(new[] { "CitesPermitNumber" }));
    }

    [TestCase("owner@example.org", true)]
    [TestCase("Owner <owner@example.org>", false)]
    [TestCase("owner@localhost", false)]
    [TestCase("+33 1 23 45 67 89", true)]
    [TestCase("12", false)]
    public void The_owner_contact_is_an_email_address_or_a_phone_number(string contact, bool valid) =>
        Assert.That(ProvenanceValidator.Validate(Valid with { OwnerContact = contact }, Now).Any(e => e.Field == "OwnerContact"), Is.EqualTo(!valid));
}
