using System.Globalization;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>
/// The specimen provenance form: an owner's declaration (taken by an investigator or a platform partner) of how, when
/// and where a specimen was acquired, with any CITES permit, linked to the listings that offer it. Validated field by
/// field (<see cref="ProvenanceValidator"/>), stored, audited; the listing page shows it.
/// </summary>
internal sealed class ProvenancePages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/provenance", FormAsync).RequireAuthorization(PortalPolicies.Review);
        routes.MapPost("/provenance", DeclareAsync).RequireAuthorization(PortalPolicies.Review);
    }

    /// <summary>The form fields, as posted; a field left out is null, for the validator to name.</summary>
    internal sealed record ProvenanceForm(
        string? OwnerName = null, string? OwnerContact = null, string? SpecimenDescription = null, string? Taxon = null, string? AcquisitionMethod = null,
        string? AcquiredOn = null, string? Country = null, string? CitesPermitNumber = null, string? ListingIds = null);

    private static Task<IResult> FormAsync(HttpContext context, string? listing) =>
        RenderAsync(context, new ProvenanceForm(ListingIds: listing), [], StatusCodes.Status200OK);

    private static async Task<IResult> DeclareAsync(HttpContext context, IPipelineStore store, TimeProvider time)
    {
        var ct = context.RequestAborted;
        // Read by hand rather than bound: a field left out must reach the validator, not end in a framework 400.
        var posted = await context.Request.ReadFormAsync(ct);
        string? Get(string name) => posted.TryGetValue(name, out var v) ? v.ToString() : null;
        var form = new ProvenanceForm(Get("OwnerName"), Get("OwnerContact"), Get("SpecimenDescription"), Get("Taxon"), Get("AcquisitionMethod"),
            Get("AcquiredOn"), Get("Country"), Get("CitesPermitNumber"), Get("ListingIds"));
        var now = time.GetUtcNow();
        var errors = new List<FieldError>();
        var method = Enum.TryParse<AcquisitionMethod>(form.AcquisitionMethod, ignoreCase: false, out var m) && Enum.IsDefined(m) ? m : (AcquisitionMethod?)null;
        if (method is null)
        {
            errors.Add(new(nameof(ProvenanceDeclaration.AcquisitionMethod), "choose how the specimen was acquired."));
        }

        DateOnly? acquired = null;
        if (!string.IsNullOrWhiteSpace(form.AcquiredOn))
        {
            if (DateOnly.TryParseExact(form.AcquiredOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
            {
                acquired = on;
            }
            else
            {
                errors.Add(new(nameof(ProvenanceDeclaration.AcquiredOn), "must be a date like 2019-06-01."));
            }
        }

        var listingIds = (form.ListingIds ?? string.Empty).Split([',', ' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var declaration = new ProvenanceDeclaration(
            "prov-" + Guid.NewGuid().ToString("N")[..20], form.OwnerName?.Trim() ?? string.Empty, form.OwnerContact?.Trim() ?? string.Empty,
            form.SpecimenDescription?.Trim() ?? string.Empty, form.Taxon?.Trim() ?? string.Empty, method ?? AcquisitionMethod.Other, acquired,
            (form.Country ?? string.Empty).Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(form.CitesPermitNumber) ? null : form.CitesPermitNumber.Trim(),
            listingIds, now) { SubmittedBy = PortalActor.Of(context.User) };
        errors.AddRange(ProvenanceValidator.Validate(declaration, now).Where(e => method is not null || e.Field != nameof(ProvenanceDeclaration.CitesPermitNumber)));
        if (listingIds.Count == 0)
        {
            errors.Add(new(nameof(ProvenanceDeclaration.ListingIds), "name at least one listing the specimen is offered in."));
        }

        foreach (var id in listingIds.Take(ProvenanceValidator.MaxListings))
        {
            // A partner may link only listings it may see; others read as missing.
            if (await ListingAccess.FindAsync(store, context.User, id, ct) is null)
            {
                errors.Add(new(nameof(ProvenanceDeclaration.ListingIds), $"no listing '{id}'."));
            }
        }

        if (errors.Count > 0)
        {
            return await RenderAsync(context, form, errors, StatusCodes.Status400BadRequest);
        }

        await store.AddProvenanceDeclarationAsync(declaration, ct);
        await store.AppendAuditAsync(new AuditEntry(declaration.SubmittedBy!, "provenance-declare", $"provenance:{declaration.Id}",
            $"listings {string.Join(",", listingIds)}, portal", now), ct);
        return Results.Redirect($"/listings/{Uri.EscapeDataString(listingIds[0])}#provenance");
    }

    private static async Task<IResult> RenderAsync(HttpContext context, ProvenanceForm form, IReadOnlyList<FieldError> errors, int status)
    {
        Html Field(string name, string label, string? value, string type = "text", bool required = true) => Html.Of($"""
            <label>{label} <input type="{type}" name="{name}" value="{value}" maxlength="{(name == "SpecimenDescription" ? ProvenanceValidator.MaxDescriptionLength : ProvenanceValidator.MaxNameLength)}"{(required ? Html.Of($" required") : Html.Empty)}></label>{Errors(errors, name)}
            """);
        var methods = Enum.GetValues<AcquisitionMethod>().Select(m => Html.Of($"""<option value="{m}"{(form.AcquisitionMethod == m.ToString() ? Html.Of($" selected") : Html.Empty)}>{m}</option>"""));
        var body = Html.Of($"""
            <p class="muted">An owner's declaration of where a specimen comes from. Every field is checked; a permit number is
            the issuing country's code then letters and digits (FR/2024/000123, 24US123456/9).</p>
            {(errors.Count > 0 ? Html.Of($"<p class=\"error\" role=\"alert\">The declaration was not stored: {errors.Count} problem(s) below.</p>") : Html.Empty)}
            <form method="post" action="/provenance" class="provenance">{PortalLayout.Antiforgery(context)}
            {Field("OwnerName", "Owner's name", form.OwnerName)}
            {Field("OwnerContact", "Owner's e-mail or phone", form.OwnerContact)}
            <label>Specimen <textarea name="SpecimenDescription" required maxlength="{ProvenanceValidator.MaxDescriptionLength}">{form.SpecimenDescription}</textarea></label>{Errors(errors, "SpecimenDescription")}
            {Field("Taxon", "Species or taxon", form.Taxon)}
            <label>Acquired by <select name="AcquisitionMethod" required><option value="">choose</option>{methods}</select></label>{Errors(errors, "AcquisitionMethod")}
            {Field("AcquiredOn", "Acquired on", form.AcquiredOn, "date", required: false)}
            {Field("Country", "Country of acquisition (ISO code)", form.Country)}
            {Field("CitesPermitNumber", "CITES permit or certificate number", form.CitesPermitNumber, required: false)}
            {Field("ListingIds", "Listing ids (comma-separated)", form.ListingIds)}
            <button type="submit">Declare</button></form>
            """);
        return await PortalLayout.PageAsync(context, "Specimen provenance", body, status);
    }

    private static Html Errors(IReadOnlyList<FieldError> errors, string field) =>
        Html.Join(errors.Where(e => e.Field == field).Select(e => Html.Of($"<span class=\"error\">{e.Message}</span>")));

    /// <summary>The listing page's section: the declarations that name the listing.</summary>
    public static async Task<Html> SectionAsync(IPipelineStore store, string listingId, CancellationToken ct)
    {
        var declarations = await store.GetProvenanceDeclarationsAsync(listingId, ct);
        var rows = declarations.Select(d => Html.Of($"""
            <tr><td>{ListingAccess.Time(d.SubmittedAt)}</td><td>{d.OwnerName}</td><td>{d.Taxon}</td><td>{d.AcquisitionMethod}</td>
            <td>{d.AcquiredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</td><td>{d.Country}</td><td><code>{d.CitesPermitNumber}</code></td><td>{d.SpecimenDescription}</td></tr>
            """));
        var table = declarations.Count == 0
            ? Html.Of($"<p class=\"muted\">No declaration names this listing.</p>")
            : Html.Of($"<table><thead><tr><th>Declared</th><th>Owner</th><th>Taxon</th><th>Acquired by</th><th>On</th><th>Country</th><th>Permit</th><th>Specimen</th></tr></thead><tbody>{rows}</tbody></table>");
        return Html.Of($"""{table}<p><a href="/provenance?listing={Uri.EscapeDataString(listingId)}">Record a declaration for this listing</a></p>""");
    }
}
