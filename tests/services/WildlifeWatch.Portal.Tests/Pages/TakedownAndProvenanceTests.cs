using System.Net;
using System.Text.Json;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Tests.Pages;

/// <summary>Takedown reports and provenance declarations through the portal, over HTTP on a loopback Kestrel.</summary>
public sealed class TakedownAndProvenanceTests
{
    private PortalTestServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await PortalTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task An_investigator_downloads_a_platforms_takedown_report_as_csv_with_status_and_evidence_hashes_and_it_is_audited()
    {
        using var client = await _server.ClientAsync("ivy");
        await _server.Store.MarkListingRemovedAsync("http://shop.example/item/2", DateTimeOffset.UtcNow, "http-404");

        using var response = await client.GetAsync($"/takedown/report?platform={PortalTestServer.Shop}&format=csv");
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(response.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
        Assert.That(lines[0], Is.EqualTo(TakedownReport.CsvHeader));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Is.SupersetOf(new[] { "http://shop.example/item/1", "http://shop.example/item/2" }));
        Assert.That(lines.Skip(1), Has.None.Contains("other.example"), "only the platform asked for");
        var audit = await _server.Store.GetAuditAsync(subject: $"platform:{PortalTestServer.Shop}", actor: "portal:ivy");
        Assert.That(audit.Select(a => a.Action), Does.Contain("report-takedown"));
    }

    [Test]
    public async Task A_platform_partner_gets_its_own_report_as_json_and_never_another_platforms()
    {
        using var client = await _server.ClientAsync("pat");

        using var own = await client.GetAsync($"/takedown/report?platform={PortalTestServer.Shop}&format=json");
        using var foreign = await client.GetAsync($"/takedown/report?platform={PortalTestServer.Other}&format=json");
        using var rows = JsonDocument.Parse(await own.Content.ReadAsStringAsync());

        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(rows.RootElement.EnumerateArray().Select(r => r.GetProperty("platform").GetString()).Distinct(), Is.EqualTo(new[] { PortalTestServer.Shop }));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("platform=&format=csv")]
    [TestCase("platform=shop.example&format=xml")]
    [TestCase("platform=shop.example&format=csv&since=yesterday")]
    public async Task A_bad_report_request_is_a_400(string query)
    {
        using var client = await _server.ClientAsync("ivy");

        using var response = await client.GetAsync("/takedown/report?" + query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_provenance_declaration_is_validated_stored_audited_and_shown_on_its_listing()
    {
        using var client = await _server.ClientAsync("ivy");
        var form = await PortalTestServer.FormAsync(client, "/provenance?listing=ivory-1",
            ("OwnerName", "Anh Nguyen"), ("OwnerContact", "anh@example.org"), ("SpecimenDescription", "Carved bangle, family heirloom"),
            ("Taxon", "Loxodonta africana"), ("AcquisitionMethod", "Inherited"), ("AcquiredOn", "1985-04-01"), ("Country", "fr"),
            ("CitesPermitNumber", "FR/2024/000123"), ("ListingIds", "ivory-1"));

        using var response = await client.PostAsync("/provenance", form);
        var page = await client.GetStringAsync("/listings/ivory-1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var stored = await _server.Store.GetProvenanceDeclarationsAsync("ivory-1");
        Assert.That(stored.Select(d => (d.OwnerName, d.Country, d.CitesPermitNumber, d.SubmittedBy)), Is.EqualTo(new[] { ("Anh Nguyen", "FR", (string?)"FR/2024/000123", (string?)"portal:ivy") }));
        Assert.That(page, Does.Contain("FR/2024/000123").And.Contain("Anh Nguyen"));
        var audit = await _server.Store.GetAuditAsync(subject: $"provenance:{stored[0].Id}");
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "provenance-declare" }));
    }

    [Test]
    public async Task A_bad_declaration_is_refused_field_by_field_with_its_input_encoded_and_nothing_stored()
    {
        using var client = await _server.ClientAsync("ivy");
        var before = (await _server.Store.GetProvenanceDeclarationsAsync()).Count;
        var form = await PortalTestServer.FormAsync(client, "/provenance",
            ("OwnerName", "<script>window.__pwned=1</script>"), ("OwnerContact", "not a contact"), ("SpecimenDescription", "tusk"),
            ("Taxon", "Loxodonta"), ("AcquisitionMethod", "ImportedWithPermit"), ("Country", "XX"), ("ListingIds", "no-such-listing"));

        using var response = await client.PostAsync("/provenance", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("must be an e-mail address or a phone number").And.Contain("ISO 3166-1")
            .And.Contain("is required for a specimen imported with a permit").And.Contain("no listing"));
        Assert.That(html, Does.Not.Contain("<script>window.__pwned").And.Contain("&lt;script&gt;"), "the echoed input is text");
        Assert.That((await _server.Store.GetProvenanceDeclarationsAsync()).Count, Is.EqualTo(before));
    }

    [Test]
    public async Task A_platform_partner_cannot_link_a_declaration_to_another_platforms_listing()
    {
        using var client = await _server.ClientAsync("pat");
        var form = await PortalTestServer.FormAsync(client, "/provenance",
            ("OwnerName", "Seller"), ("OwnerContact", "+33 6 12 34 56 78"), ("SpecimenDescription", "Chess set"), ("Taxon", "Elephantidae"),
            ("AcquisitionMethod", "PreConvention"), ("Country", "CN"), ("ListingIds", "other-3"));

        using var response = await client.PostAsync("/provenance", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await _server.Store.GetProvenanceDeclarationsAsync("other-3"), Is.Empty);
    }
}
