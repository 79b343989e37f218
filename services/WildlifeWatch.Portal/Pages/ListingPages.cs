using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WildlifeWatch.Detection;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>The listing list, the listing page with its evidence, its screenshot, labeling, adding to a case and export.</summary>
internal sealed class ListingPages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/listings", ListAsync).RequireAuthorization(PortalPolicies.Review);
        routes.MapGet("/listings/{id}", ShowAsync).RequireAuthorization(PortalPolicies.Review);
        routes.MapGet("/listings/{id}/captures/{captureId}/screenshot", ScreenshotAsync).RequireAuthorization(PortalPolicies.Review);
        routes.MapPost("/listings/{id}/labels", LabelAsync).RequireAuthorization(PortalPolicies.Label);
        routes.MapPost("/listings/{id}/cases", AddToCaseAsync).RequireAuthorization(PortalPolicies.Investigate);
        routes.MapPost("/listings/{id}/export", ExportAsync).RequireAuthorization(PortalPolicies.Investigate);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IPipelineStore store, IOptions<PortalOptions> options)
    {
        var partner = context.User.PlatformOf();
        if (!ListingFilter.TryParse(context.Request.Query, partner, out var filter, out var error) || !ListingFilter.IsListingCursor(filter.Cursor))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, error ?? "The page cursor is not valid; start again from the first page.");
        }

        var page = await store.QueryListingsAsync(filter.ToQuery(options.Value.PageSize), context.RequestAborted);
        var rows = page.Items.Select(i => Html.Of($"""
            <tr><td>{ListingAccess.Score(i.Score?.Value)}</td><td><a href="/listings/{Uri.EscapeDataString(i.Listing.Id)}">{i.Listing.Title}</a></td>
            <td>{string.Join(", ", ListingFacts.SpeciesGroups(i.Listing.LexiconHits))}</td><td>{ListingFacts.Platform(i.Listing.Url)}</td>
            <td>{i.Listing.Country}</td><td>{i.Listing.Seller}</td><td>{ListingAccess.Time(i.Listing.ExtractedAt)}</td></tr>
            """));
        return await PortalLayout.PageAsync(context, "Listings", Html.Of($"""
            {ListingAccess.FilterForm("/listings", filter, partner is not null, full: true)}
            <table><thead><tr><th>Score</th><th>Title</th><th>Species</th><th>Platform</th><th>Country</th><th>Seller</th><th>Extracted</th></tr></thead>
            <tbody>{rows}</tbody></table>
            {ListingAccess.NextLink("/listings", filter, page.NextCursor)}
            """));
    }

    private static async Task<IResult> ShowAsync(HttpContext context, string id, IPipelineStore store, TimeProvider time)
    {
        var ct = context.RequestAborted;
        var listing = await ListingAccess.FindAsync(store, context.User, id, ct);
        if (listing is null)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such listing.");
        }

        var scores = await store.GetScoreHistoryAsync(id, ct);
        var latest = scores.Count == 0 ? null : scores[^1];
        var traits = await store.GetListingTraitsAsync(id, ct);
        var captures = await ListingAccess.CapturesAsync(store, listing, ct);
        var alert = await store.GetAlertOfListingAsync(id, ct);
        var provenance = await ProvenancePages.SectionAsync(store, id, ct);
        var labels = await store.GetLabelsAsync(id, ct);
        var linked = await LinkedAsync(store, context, id, ct);
        await store.AppendAuditAsync(new AuditEntry(PortalActor.Of(context.User), "view", id, null, time.GetUtcNow()), ct);

        var forms = await FormsAsync(context, store, id);
        var escaped = Uri.EscapeDataString(id);
        var shot = captures.LastOrDefault(c => c.PurgedAt is null);
        var screenshot = shot is null
            ? Html.Of($"<p class=\"muted\">No screenshot kept.</p>")
            : Html.Of($"<img class=\"shot\" alt=\"Screenshot of the captured page\" src=\"/listings/{escaped}/captures/{Uri.EscapeDataString(shot.Id)}/screenshot\">");
        var body = Html.Of($"""
            <p>Score <strong>{ListingAccess.Score(latest?.Value)}</strong> ({latest?.ModelVersion}), product type {latest?.ProductType ?? "–"};
            {(alert is null ? Html.Text("no alert") : Html.Of($"alert {alert.Severity} raised {ListingAccess.Time(alert.RaisedAt)}"))}</p>
            {screenshot}
            <h2>Extracted fields</h2>
            <table>
            <tr><th>Title</th><td>{listing.Title}</td></tr>
            <tr><th>Description</th><td><pre class="captured">{listing.Description}</pre></td></tr>
            <tr><th>Price</th><td>{listing.Price?.ToString(CultureInfo.InvariantCulture)} {listing.Currency}</td></tr>
            <tr><th>Seller</th><td>{listing.Seller}</td></tr>
            <tr><th>Country</th><td>{listing.Country}</td></tr>
            <tr><th>Page</th><td><code>{listing.Url}</code></td></tr>
            <tr><th>Platform</th><td>{ListingFacts.Platform(listing.Url)}</td></tr>
            <tr><th>Language</th><td>{traits?.Language}</td></tr>
            <tr><th>Location</th><td>{traits?.Location}</td></tr>
            </table>
            <h2>Matched taxa</h2>{Taxa(listing)}
            <h2>Why the model scored it so</h2>{Reasons(latest?.ReasonsJson)}
            <h2>Contacts</h2>{Contacts(traits)}
            <h2>Listings of the same actor</h2>{linked}
            <h2>Capture history and evidence hashes</h2>{CaptureTable(captures)}
            <h2>Score history</h2>{ScoreTable(scores)}
            <h2>Labels</h2>{LabelTable(labels)}
            <h2 id="provenance">Provenance declarations</h2>{provenance}
            {forms}
            """);
        return await PortalLayout.PageAsync(context, listing.Title.Length == 0 ? "Listing" : listing.Title, body);
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static async Task<IResult> ScreenshotAsync(HttpContext context, string id, string captureId, IPipelineStore store)
    {
        var ct = context.RequestAborted;
        var listing = await ListingAccess.FindAsync(store, context.User, id, ct);
        var capture = listing is null ? null : (await ListingAccess.CapturesAsync(store, listing, ct)).FirstOrDefault(c => c.Id == captureId);
        if (capture is null || capture.PurgedAt is not null || await store.GetArtifactAsync(capture.ScreenshotSha256, ct) is not { } bytes)
        {
            return Results.NotFound();
        }

        // Whatever the bytes claim to be, the browser gets either a PNG or an opaque download, never HTML or script.
        var png = bytes.AsSpan().StartsWith(PngSignature);
        context.Response.Headers.ContentDisposition = $"inline; filename=\"capture-{capture.Id}.png\"";
        return Results.Bytes(bytes, png ? "image/png" : "application/octet-stream");
    }

    private static async Task<IResult> LabelAsync(HttpContext context, string id, [FromForm] string? verdict, [FromForm] string? productType,
        IPipelineStore store, TimeProvider time)
    {
        var ct = context.RequestAborted;
        if (await ListingAccess.FindAsync(store, context.User, id, ct) is null)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such listing.");
        }

        var product = string.IsNullOrWhiteSpace(productType) ? null : productType.Trim();
        if (verdict is not ("wildlife" or "not-wildlife") || (product is not null && !ProductTypes.All.Contains(product, StringComparer.Ordinal)))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "A label is wildlife or not-wildlife, with a known product type.");
        }

        var wildlife = verdict == "wildlife";
        var label = new Label(id, wildlife, wildlife ? product : null, PortalActor.Of(context.User), time.GetUtcNow());
        await store.AddLabelAsync(label, ct);
        return Results.Redirect($"/listings/{Uri.EscapeDataString(id)}#labels");
    }

    private static async Task<IResult> AddToCaseAsync(HttpContext context, string id, [FromForm] string? caseId, IPipelineStore store, TimeProvider time)
    {
        var ct = context.RequestAborted;
        if (await ListingAccess.FindAsync(store, context.User, id, ct) is null || string.IsNullOrWhiteSpace(caseId))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such listing or case.");
        }

        try
        {
            await store.AddListingToCaseAsync(new CaseListing(caseId, id, PortalActor.Of(context.User), time.GetUtcNow()), ct);
        }
        catch (KeyNotFoundException)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such case.");
        }

        return Results.Redirect($"/cases/{Uri.EscapeDataString(caseId)}");
    }

    private static async Task<IResult> ExportAsync(HttpContext context, string id, IPipelineStore store, TimeProvider time)
    {
        if (await ListingAccess.FindAsync(store, context.User, id, context.RequestAborted) is null)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such listing.");
        }

        return await EvidenceDownload.ExportAsync(context, store, time, [id], caseName: null, $"evidence-{id}.zip");
    }

    /// <summary>The forms the user's roles allow: label, add to a case, export.</summary>
    private static async Task<Html> FormsAsync(HttpContext context, IPipelineStore store, string id)
    {
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var escaped = Uri.EscapeDataString(id);
        var forms = new List<Html>();
        if ((await authorization.AuthorizeAsync(context.User, PortalPolicies.Label)).Succeeded)
        {
            var types = ProductTypes.Wildlife.Select(t => Html.Of($"<option value=\"{t}\">{t}</option>"));
            forms.Add(Html.Of($"""
                <h2>Label</h2>
                <form method="post" action="/listings/{escaped}/labels">{PortalLayout.Antiforgery(context)}
                <label><input type="radio" name="verdict" value="wildlife" required> wildlife</label>
                <label><input type="radio" name="verdict" value="not-wildlife"> not wildlife</label>
                <label>Product type <select name="productType"><option value="">(unknown)</option>{types}</select></label>
                <button type="submit">Save label</button></form>
                """));
        }

        if ((await authorization.AuthorizeAsync(context.User, PortalPolicies.Investigate)).Succeeded)
        {
            var cases = await store.GetCasesAsync(context.RequestAborted);
            if (cases.Count > 0)
            {
                forms.Add(Html.Of($"""
                    <h2>Case</h2>
                    <form method="post" action="/listings/{escaped}/cases">{PortalLayout.Antiforgery(context)}
                    <select name="caseId">{cases.Select(c => Html.Of($"<option value=\"{c.Id}\">{c.Id}: {c.Title}</option>"))}</select>
                    <button type="submit">Add to case</button></form>
                    """));
            }

            forms.Add(Html.Of($"""
                <h2>Evidence</h2>
                <form method="post" action="/listings/{escaped}/export">{PortalLayout.Antiforgery(context)}
                <button type="submit">Export evidence package (ZIP)</button></form>
                """));
        }

        return Html.Join(forms);
    }

    private static async Task<Html> LinkedAsync(IPipelineStore store, HttpContext context, string id, CancellationToken ct)
    {
        var links = await store.GetActorLinksAsync([id], ct);
        var rows = new List<Html>();
        foreach (var link in links)
        {
            var other = link.ListingA == id ? link.ListingB : link.ListingA;
            if (await ListingAccess.FindAsync(store, context.User, other, ct) is not { } listing)
            {
                continue;
            }

            rows.Add(Html.Of($"""<tr><td><a href="/listings/{Uri.EscapeDataString(other)}">{listing.Title}</a></td><td>{ListingFacts.Platform(listing.Url)}</td><td>{link.Kind}</td><td><code>{link.Evidence}</code></td></tr>"""));
        }

        return rows.Count == 0
            ? Html.Of($"<p class=\"muted\">None linked.</p>")
            : Html.Of($"<table><thead><tr><th>Listing</th><th>Platform</th><th>Shared</th><th>Evidence</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html Taxa(Listing listing)
    {
        var rows = listing.LexiconHits.Where(h => !h.Negative)
            .GroupBy(h => (h.Taxon, h.CitesAppendix, h.SpeciesGroup))
            .Select(g => Html.Of($"<tr><td><em>{g.Key.Taxon}</em></td><td>{g.Key.CitesAppendix}</td><td>{g.Key.SpeciesGroup}</td><td>{string.Join(", ", g.Select(h => h.Term).Distinct(StringComparer.Ordinal))}</td></tr>"))
            .ToList();
        var decoys = listing.LexiconHits.Where(h => h.Negative).Select(h => h.Term).Distinct(StringComparer.Ordinal).ToList();
        var decoyLine = decoys.Count == 0 ? Html.Empty : Html.Of($"<p class=\"muted\">Decoy context: {string.Join(", ", decoys)}</p>");
        return rows.Count == 0
            ? Html.Of($"<p class=\"muted\">No lexicon term matched.</p>{decoyLine}")
            : Html.Of($"<table><thead><tr><th>Taxon</th><th>CITES appendix</th><th>Species group</th><th>Terms</th></tr></thead><tbody>{rows}</tbody></table>{decoyLine}");
    }

    private static Html Reasons(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Html.Of($"<p class=\"muted\">The model gave no reasons.</p>");
        }

        var rows = new List<Html>();
        using var document = JsonDocument.Parse(json);
        foreach (var reason in document.RootElement.EnumerateArray())
        {
            var contribution = reason.TryGetProperty("contribution", out var c) && c.TryGetDouble(out var v) ? v : 0;
            rows.Add(Html.Of($"<tr><td>{reason.GetProperty("kind").GetString()}</td><td>{reason.GetProperty("feature").GetString()}</td><td>{contribution.ToString("+0.000;-0.000", CultureInfo.InvariantCulture)}</td></tr>"));
        }

        return Html.Of($"<table><thead><tr><th>Kind</th><th>Feature</th><th>Contribution</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html Contacts(ListingTraits? traits) =>
        traits is null || traits.Contacts.Count == 0
            ? Html.Of($"<p class=\"muted\">No contact found.</p>")
            : Html.Of($"<ul>{traits.Contacts.Select(c => Html.Of($"<li>{c.Kind}: <code>{c.Value}</code></li>"))}</ul>");

    private static Html CaptureTable(IReadOnlyList<Capture> captures) => Html.Of($"""
        <table><thead><tr><th>Captured</th><th>HTTP</th><th>Final URL</th><th>Hashes (SHA-256)</th></tr></thead><tbody>
        {captures.Select(c => Html.Of($"""
            <tr><td>{ListingAccess.Time(c.CapturedAt)}{(c.PurgedAt is null ? Html.Empty : Html.Text(" (raw artifacts purged)"))}</td><td>{c.HttpStatus}</td><td><code>{c.FinalUrl}</code></td>
            <td class="hash">html {c.HtmlSha256}<br>text {c.TextSha256}<br>screenshot {c.ScreenshotSha256}<br>manifest {c.ManifestSha256}</td></tr>
            """))}
        </tbody></table>
        """);

    private static Html ScoreTable(IReadOnlyList<Score> scores) => Html.Of($"""
        <table><thead><tr><th>Scored</th><th>Model</th><th>Score</th><th>Product type</th></tr></thead><tbody>
        {scores.Select(s => Html.Of($"<tr><td>{ListingAccess.Time(s.ScoredAt)}</td><td>{s.ModelVersion}</td><td>{ListingAccess.Score(s.Value)}</td><td>{s.ProductType}</td></tr>"))}
        </tbody></table>
        """);

    private static Html LabelTable(IReadOnlyList<Label> labels) =>
        labels.Count == 0
            ? Html.Of($"<p id=\"labels\" class=\"muted\">Not labeled yet.</p>")
            : Html.Of($"""
                <table id="labels"><thead><tr><th>When</th><th>By</th><th>Wildlife</th><th>Product type</th></tr></thead><tbody>
                {labels.Select(l => Html.Of($"<tr><td>{ListingAccess.Time(l.LabeledAt)}</td><td>{l.LabeledBy}</td><td>{(l.IsWildlife ? "wildlife" : "not wildlife")}</td><td>{l.ProductType}</td></tr>"))}
                </tbody></table>
                """);
}
