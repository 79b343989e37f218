using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Tests;

/// <summary>The portal over HTTP on a real loopback Kestrel: authorisation, CSRF, encoding, evidence, cases, screening.</summary>
public sealed class PortalHttpTests
{
    private PortalTestServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await PortalTestServer.StartAsync(pageSize: 2, limitedPermits: 3);

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    // Only these may be fetched without signing in; anything else mapped, now or later, must refuse.
    private static readonly HashSet<(string Method, string Route)> Anonymous =
    [
        ("GET", "/signin"), ("POST", "/signin"), ("GET", "/static/portal.css"),
    ];

    [Test]
    public async Task Anonymous_requests_to_every_mapped_endpoint_are_refused_with_401_or_a_sign_in_redirect()
    {
        var endpoints = _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(e => !Anonymous.Contains(e))
            .ToList();
        Assert.That(endpoints, Has.Count.GreaterThanOrEqualTo(10), "the portal's endpoints were found");

        using var client = await _server.ClientAsync(null);
        foreach (var (method, route) in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route, "{[^}]+}", "ivory-1");
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {path}");
            }
            else
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"{method} {path}");
                Assert.That(response.Headers.Location!.AbsolutePath, Is.EqualTo("/signin"), $"{method} {path}");
            }
        }
    }

    [Test]
    public async Task A_wrong_password_is_refused_and_signs_nobody_in()
    {
        using var client = await _server.ClientAsync(null);
        using var response = await client.PostAsync("/signin", await PortalTestServer.FormAsync(client, "/signin", ("name", "ivy"), ("password", "wrong")));
        using var after = await client.GetAsync("/alerts");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task A_form_post_without_the_antiforgery_token_is_rejected_and_writes_nothing()
    {
        using var client = await _server.ClientAsync("ivy");
        using var response = await client.PostAsync("/listings/decoy-5/labels",
            new FormUrlEncodedContent([new("verdict", "wildlife")]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await _server.Store.GetLabelsAsync("decoy-5"), Is.Empty);
    }

    [TestCase("/cases/op-none/export", "")]
    [TestCase("/signout", "")]
    [TestCase("/listings/decoy-5/labels", "verdict=wildlife")]
    public async Task A_post_without_the_token_is_rejected_whatever_its_content_type(string path, string body)
    {
        using var client = await _server.ClientAsync("ivy");
        using var plain = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "text/plain"));
        using var empty = await client.PostAsync(path, null);
        using var stillSignedIn = await client.GetAsync("/alerts");

        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(stillSignedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Every_answer_carries_a_strict_content_security_policy_and_nosniff()
    {
        using var client = await _server.ClientAsync("ivy");
        using var response = await client.GetAsync("/listings/ivory-1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.That(csp, Does.Contain("script-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe-inline"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
    }

    [Test]
    public async Task Captured_markup_is_shown_encoded_never_as_markup()
    {
        using var client = await _server.ClientAsync("ivy");
        var html = await client.GetStringAsync("/listings/hostile-4");

        Assert.That(html, Does.Contain("&lt;script&gt;window.__pwned="));
        Assert.That(html, Does.Contain("&lt;img src=x onerror="));
        Assert.That(html, Does.Not.Contain("<script"));
        Assert.That(html, Does.Not.Contain("<img src=x"));
        Assert.That(html, Does.Not.Contain("<svg"));
        Assert.That(html, Does.Not.Contain("<b>bold</b>"));
    }

    [Test]
    public async Task A_screenshot_that_is_not_a_png_is_served_as_an_opaque_download_and_a_png_as_an_image()
    {
        using var client = await _server.ClientAsync("ivy");
        using var hostile = await client.GetAsync("/listings/hostile-4/captures/cap-hostile-4/screenshot");
        using var png = await client.GetAsync("/listings/ivory-1/captures/cap-ivory-1/screenshot");
        using var foreign = await client.GetAsync("/listings/ivory-1/captures/cap-hostile-4/screenshot");

        Assert.That(hostile.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/octet-stream"));
        Assert.That(hostile.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(png.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/png"));
        Assert.That(png.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("inline"));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a capture of another listing");
    }

    [Test]
    public async Task A_platform_partner_sees_only_its_platforms_listings_alerts_and_links()
    {
        using var client = await _server.ClientAsync("pat");
        using var foreign = await client.GetAsync("/listings/other-3");
        using var foreignShot = await client.GetAsync("/listings/other-3/captures/cap-other-3/screenshot");
        var list = await client.GetStringAsync("/listings?platform=other.example&minScore=0.8");
        var alerts = await client.GetStringAsync("/alerts");
        var own = await client.GetStringAsync("/listings/ivory-1");

        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(foreignShot.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(list, Does.Contain("/listings/ivory-1").And.Not.Contain("other-3"), "the platform filter is forced to the partner's");
        Assert.That(alerts, Does.Contain("/listings/ivory-1").And.Not.Contain("other-3"));
        Assert.That(own, Does.Contain("/listings/pangolin-2").And.Not.Contain("/listings/other-3"), "linked listings of other platforms are hidden");
    }

    [Test]
    public async Task A_platform_partner_may_not_label_open_cases_or_export()
    {
        using var client = await _server.ClientAsync("pat");
        using var cases = await client.GetAsync("/cases");
        var form = await PortalTestServer.FormAsync(client, "/listings/ivory-1", ("verdict", "wildlife"));
        using var label = await client.PostAsync("/listings/ivory-1/labels", form);

        Assert.That(cases.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(label.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Listings_are_filtered_and_paged_by_keyset()
    {
        using var client = await _server.ClientAsync("ana");
        var first = await client.GetStringAsync("/listings?minScore=0.5");
        var next = System.Text.RegularExpressions.Regex.Match(first, "rel=\"next\" href=\"([^\"]+)\"");
        Assert.That(next.Success, Is.True, "a next-page link");
        var second = await client.GetStringAsync(WebUtility.HtmlDecode(next.Groups[1].Value));
        var byCountry = await client.GetStringAsync("/listings?country=ng");
        var removedOnly = await client.GetStringAsync("/listings?status=removed");

        Assert.That(first, Does.Contain("/listings/ivory-1").And.Contain("/listings/other-3").And.Not.Contain("pangolin-2"));
        Assert.That(second, Does.Contain("/listings/pangolin-2").And.Contain("/listings/hostile-4").And.Not.Contain("decoy-5"));
        Assert.That(byCountry, Does.Contain("/listings/pangolin-2").And.Not.Contain("/listings/ivory-1"));
        Assert.That(removedOnly, Does.Not.Contain("/listings/"));
    }

    [Test]
    public async Task A_bad_filter_value_is_a_400_not_a_silently_wider_list()
    {
        using var client = await _server.ClientAsync("ana");
        using var response = await client.GetAsync("/listings?minScore=lots");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Labeling_from_the_listing_page_stores_a_label_and_audits_it()
    {
        using var client = await _server.ClientAsync("ana");
        var form = await PortalTestServer.FormAsync(client, "/listings/pangolin-2", ("verdict", "wildlife"), ("productType", "scales"));
        using var response = await client.PostAsync("/listings/pangolin-2/labels", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var labels = await _server.Store.GetLabelsAsync("pangolin-2");
        Assert.That(labels.Select(l => (l.IsWildlife, l.ProductType, l.LabeledBy)), Is.EqualTo(new[] { (true, (string?)"scales", "portal:ana") }));
        var audit = await _server.Store.GetAuditAsync(subject: "pangolin-2", actor: "portal:ana");
        Assert.That(audit.Select(a => a.Action), Does.Contain("label"));
    }

    [Test]
    public async Task A_not_wildlife_label_from_the_portal_joins_the_next_training_set_as_a_negative()
    {
        using var client = await _server.ClientAsync("ivy");
        var form = await PortalTestServer.FormAsync(client, "/listings/other-3", ("verdict", "not-wildlife"), ("productType", ""));
        using var response = await client.PostAsync("/listings/other-3/labels", form);

        var rows = await WildlifeWatch.Classifier.TrainingSet.GatherAsync([], _server.Store);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var row = rows.Single(r => r.Listing.Title == "Ivory chess set");
        Assert.That(row.Source, Is.EqualTo(WildlifeWatch.Classifier.TrainingSet.LabelSource));
        Assert.That(row.Listing.Label, Is.False);
        Assert.That(row.Listing.ProductType, Is.EqualTo("not-wildlife"));
    }

    [Test]
    public async Task A_case_groups_listings_and_exports_them_as_one_verifiable_audited_package()
    {
        using var client = await _server.ClientAsync("ivy");
        using var created = await client.PostAsync("/cases", await PortalTestServer.FormAsync(client, "/cases", ("id", "op-tusk"), ("title", "Operation <Tusk>")));
        using var added1 = await client.PostAsync("/listings/ivory-1/cases", await PortalTestServer.FormAsync(client, "/listings/ivory-1", ("caseId", "op-tusk")));
        using var added2 = await client.PostAsync("/listings/pangolin-2/cases", await PortalTestServer.FormAsync(client, "/listings/pangolin-2", ("caseId", "op-tusk")));
        var page = await client.GetStringAsync("/cases/op-tusk");
        using var export = await client.PostAsync("/cases/op-tusk/export", await PortalTestServer.FormAsync(client, "/cases/op-tusk"));

        Assert.That(created.Headers.Location!.OriginalString, Is.EqualTo("/cases/op-tusk"));
        Assert.That(page, Does.Contain("Operation &lt;Tusk&gt;").And.Contain("/listings/ivory-1").And.Contain("/listings/pangolin-2"));
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(export.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        await using var zip = new MemoryStream(await export.Content.ReadAsByteArrayAsync());
        var check = EvidencePackage.Verify(zip);
        Assert.That(check.IsIntact, Is.True, string.Join("; ", check.Problems));
        var audit = await _server.Store.GetAuditAsync(subject: "ivory-1", actor: "portal:ivy");
        Assert.That(audit.Select(a => a.Action), Does.Contain(CaseAudit.ListingAdded).And.Contain("export"));
        Assert.That(audit.Single(a => a.Action == "export").Details, Does.Contain(check.ManifestSha256).And.Contain("op-tusk"));
    }

    [Test]
    public async Task Screening_without_a_key_or_with_an_unknown_key_is_401()
    {
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        using var none = await client.PostAsJsonAsync("/api/screen", new { title = "ivory" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/screen") { Content = JsonContent.Create(new { title = "ivory" }) };
        request.Headers.Add(PortalApiKeys.Header, "wtw_not_a_key");
        using var unknown = await client.SendAsync(request);

        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Screening_a_signed_in_person_without_a_key_is_refused()
    {
        using var client = await _server.ClientAsync("admin");
        using var response = await client.PostAsJsonAsync("/api/screen", new { title = "ivory" });

        Assert.That((int)response.StatusCode, Is.AnyOf(401, 403));
    }

    [Test]
    public async Task Screening_an_invalid_listing_answers_400_problem_details_naming_the_fields()
    {
        using var client = ScreeningClient(PortalTestServer.ShopKey);
        using var missing = await client.PostAsJsonAsync("/api/screen", new { description = "no title", price = -3 });
        using var garbage = await client.PostAsync("/api/screen", new StringContent("{not json", Encoding.UTF8, "application/json"));
        using var foreign = await client.PostAsJsonAsync("/api/screen", new { title = "ivory", platform = PortalTestServer.Other });

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(missing.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        using var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.That(errors.TryGetProperty("title", out _) && errors.TryGetProperty("price", out _), Is.True, problem.RootElement.ToString());
        Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a key screens its own platform's listings");
    }

    [Test]
    public async Task Screening_scores_a_listing_with_the_live_model_and_names_taxa_with_their_appendix()
    {
        using var client = ScreeningClient(PortalTestServer.ShopKey);
        using var ivory = await client.PostAsJsonAsync("/api/screen", new
        {
            title = "Genuine elephant ivory carved bangle, old stock",
            description = "Real ivory tusk bangle, discreet shipping, contact on WhatsApp",
            price = 450,
            platform = PortalTestServer.Shop,
        });
        using var decoy = await client.PostAsJsonAsync("/api/screen", new { title = "Faux ivory resin phone case", description = "Vegan imitation, plastic resin, no animal product" });

        Assert.That(ivory.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ivory.Content.ReadAsStringAsync());
        using var result = JsonDocument.Parse(await ivory.Content.ReadAsStringAsync());
        using var decoyResult = JsonDocument.Parse(await decoy.Content.ReadAsStringAsync());
        var root = result.RootElement;
        Assert.That(root.GetProperty("score").GetDouble(), Is.GreaterThan(decoyResult.RootElement.GetProperty("score").GetDouble()));
        Assert.That(root.GetProperty("productType").GetString(), Is.EqualTo("ivory"));
        var taxa = root.GetProperty("taxa").EnumerateArray().ToList();
        Assert.That(taxa.Select(t => t.GetProperty("appendix").GetString()), Does.Contain("I"));
        Assert.That(root.GetProperty("reasons").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("modelVersion").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task Screening_past_the_partners_rate_limit_answers_429_with_retry_after()
    {
        using var client = ScreeningClient(PortalTestServer.LimitedKey);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync("/api/screen", new { title = "ivory bangle" });
            statuses.Add(last.StatusCode);
        }

        using var other = ScreeningClient(PortalTestServer.ShopKey);
        using var otherPartner = await other.PostAsJsonAsync("/api/screen", new { title = "ivory bangle" });

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 60));
        Assert.That(otherPartner.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the limit is per partner");
        last.Dispose();
    }

    private HttpClient ScreeningClient(string key)
    {
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Add(PortalApiKeys.Header, key);
        return client;
    }
}
