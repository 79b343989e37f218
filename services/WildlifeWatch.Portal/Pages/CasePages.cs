using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>Cases: open one, see its listings, export them as one evidence package.</summary>
internal sealed partial class CasePages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        var cases = routes.MapGroup("/cases").RequireAuthorization(PortalPolicies.Investigate);
        cases.MapGet("", ListAsync);
        cases.MapPost("", CreateAsync);
        cases.MapGet("/{id}", ShowAsync);
        cases.MapPost("/{id}/export", ExportAsync);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CaseId();

    private static async Task<IResult> ListAsync(HttpContext context, IPipelineStore store)
    {
        var cases = await store.GetCasesAsync(context.RequestAborted);
        var rows = cases.Select(c => Html.Of($"<tr><td><a href=\"/cases/{c.Id}\">{c.Id}</a></td><td>{c.Title}</td><td>{c.CreatedBy}</td><td>{ListingAccess.Time(c.CreatedAt)}</td></tr>"));
        return await PortalLayout.PageAsync(context, "Cases", Html.Of($"""
            <table><thead><tr><th>Case</th><th>Title</th><th>Opened by</th><th>Opened</th></tr></thead><tbody>{rows}</tbody></table>
            <h2>Open a case</h2>
            <form method="post" action="/cases">{PortalLayout.Antiforgery(context)}
            <label>Id (lower-case letters, digits, -) <input name="id" pattern="[a-z0-9][a-z0-9\-]*" maxlength="64" required></label>
            <label>Title <input name="title" required maxlength="200"></label>
            <button type="submit">Open case</button></form>
            """));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromForm] string? id, [FromForm] string? title, IPipelineStore store, TimeProvider time)
    {
        if (id is null || !CaseId().IsMatch(id) || string.IsNullOrWhiteSpace(title) || title.Length > 200)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "A case needs an id (lower-case letters, digits and -) and a title.");
        }

        if (!await store.CreateCaseAsync(new InvestigationCase(id, title.Trim(), PortalActor.Of(context.User), time.GetUtcNow()), context.RequestAborted))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status409Conflict, $"A case '{id}' exists already.");
        }

        return Results.Redirect($"/cases/{id}");
    }

    private static async Task<IResult> ShowAsync(HttpContext context, string id, IPipelineStore store)
    {
        var ct = context.RequestAborted;
        if (await store.GetCaseAsync(id, ct) is not { } investigation)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such case.");
        }

        var rows = new List<Html>();
        foreach (var entry in await store.GetCaseListingsAsync(id, ct))
        {
            var listing = await store.GetListingAsync(entry.ListingId, ct);
            rows.Add(Html.Of($"""
                <tr><td><a href="/listings/{Uri.EscapeDataString(entry.ListingId)}">{listing?.Title ?? entry.ListingId}</a></td>
                <td>{(listing is null ? "" : ListingFacts.Platform(listing.Url))}</td><td>{entry.AddedBy}</td><td>{ListingAccess.Time(entry.AddedAt)}</td></tr>
                """));
        }

        var export = rows.Count == 0
            ? Html.Of($"<p class=\"muted\">Add listings from their pages.</p>")
            : Html.Of($"""<form method="post" action="/cases/{id}/export">{PortalLayout.Antiforgery(context)}<button type="submit">Export the case's evidence package (ZIP)</button></form>""");
        return await PortalLayout.PageAsync(context, $"Case {investigation.Id}: {investigation.Title}", Html.Of($"""
            <p class="muted">Opened by {investigation.CreatedBy}, {ListingAccess.Time(investigation.CreatedAt)}</p>
            <table><thead><tr><th>Listing</th><th>Platform</th><th>Added by</th><th>Added</th></tr></thead><tbody>{rows}</tbody></table>
            {export}
            """));
    }

    private static async Task<IResult> ExportAsync(HttpContext context, string id, IPipelineStore store, TimeProvider time)
    {
        var listings = await store.GetCaseListingsAsync(id, context.RequestAborted);
        if (listings.Count == 0)
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such case, or it has no listings.");
        }

        return await EvidenceDownload.ExportAsync(context, store, time, listings.Select(l => l.ListingId).ToList(), id, $"case-{id}.zip");
    }
}
