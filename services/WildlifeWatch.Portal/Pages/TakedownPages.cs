using System.Globalization;
using System.Text;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>
/// Takedown reports per platform (<see cref="TakedownReport"/>): the alerted listings with their evidence hashes and
/// live/removed status, as a CSV or JSON download. A platform partner gets its own platform's only.
/// </summary>
internal sealed class TakedownPages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/takedown", (Delegate)FormAsync).RequireAuthorization(PortalPolicies.Review);
        routes.MapGet("/takedown/report", DownloadAsync).RequireAuthorization(PortalPolicies.Review);
    }

    private static async Task<IResult> FormAsync(HttpContext context)
    {
        var partner = context.User.PlatformOf();
        var platform = partner is null
            ? Html.Of($"""<label>Platform (host, with :port when not the default) <input name="platform" required maxlength="255"></label>""")
            : Html.Of($"""<input type="hidden" name="platform" value="{partner}"><p>Platform <strong>{partner}</strong></p>""");
        return await PortalLayout.PageAsync(context, "Takedown report", Html.Of($"""
            <p class="muted">Every alerted listing of a platform with the hashes of the evidence that backs it, and whether it is still online.</p>
            <form method="get" action="/takedown/report" class="filters">
            {platform}
            <label>Format <select name="format"><option value="csv">CSV</option><option value="json">JSON</option></select></label>
            <label>Alerts since (UTC date, optional) <input type="date" name="since"></label>
            <button type="submit">Download</button></form>
            """));
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, IPipelineStore store, TimeProvider time)
    {
        var query = context.Request.Query;
        var platform = query["platform"].ToString().Trim();
        var format = query["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "csv";
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DateOnly.TryParseExact(sinceText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "'since' must be a date like 2026-11-01.");
            }

            since = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        if (platform.Length is 0 or > 255 || format is not ("csv" or "json"))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "A report needs a platform and a format, csv or json.");
        }

        if (!ListingAccess.MaySee(context.User, platform))
        {
            // Like a listing of another platform: a partner learns nothing of it, not even that it exists.
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "No such report.");
        }

        var rows = await new TakedownReport(store).BuildAsync(platform, since, context.RequestAborted);
        await store.AppendAuditAsync(new AuditEntry(PortalActor.Of(context.User), "report-takedown", $"platform:{platform}",
            string.Create(CultureInfo.InvariantCulture, $"{rows.Count} listings, {format}{(since is { } s ? $", since {s:yyyy-MM-dd}" : string.Empty)}, portal"), time.GetUtcNow()),
            context.RequestAborted);
        var body = Encoding.UTF8.GetBytes(format == "csv" ? TakedownReport.ToCsv(rows) : TakedownReport.ToJson(rows));
        var name = $"takedown-{new string(platform.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray())}-{time.GetUtcNow():yyyyMMdd}.{format}";
        return Results.File(body, format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", name);
    }
}
