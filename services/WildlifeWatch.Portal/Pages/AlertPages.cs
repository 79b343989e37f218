using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>Alerts of every crawl, newest first, filtered and paged by a (raised at, id) keyset.</summary>
internal sealed class AlertPages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes) => routes.MapGet("/alerts", ListAsync).RequireAuthorization(PortalPolicies.Review);

    private static async Task<IResult> ListAsync(HttpContext context, IPipelineStore store, IOptions<PortalOptions> options)
    {
        var partner = context.User.PlatformOf();
        if (!ListingFilter.TryParse(context.Request.Query, partner, out var filter, out var error) || !AlertCursor.TryDecode(filter.Cursor, out var after))
        {
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, error ?? "The page cursor is not valid.");
        }

        var page = AlertList.Page(await AllAlertsAsync(store, context.RequestAborted), filter, after, options.Value.PageSize, out var next);
        var rows = page.Select(a => Html.Of($"""
            <tr><td>{ListingAccess.Time(a.RaisedAt)}</td><td>{a.Severity}</td><td>{ListingAccess.Score(a.Score)}</td><td>{a.SpeciesGroup}</td><td>{a.Platform}</td>
            <td><a href="/listings/{Uri.EscapeDataString(a.ListingId)}">{a.ListingId}</a></td></tr>
            """));
        return await PortalLayout.PageAsync(context, "Alerts", Html.Of($"""
            {ListingAccess.FilterForm("/alerts", filter, partner is not null, full: false)}
            <table><thead><tr><th>Raised</th><th>Severity</th><th>Score</th><th>Species</th><th>Platform</th><th>Listing</th></tr></thead>
            <tbody>{rows}</tbody></table>
            {ListingAccess.NextLink("/alerts", filter, next)}
            """));
    }

    // The store keeps alerts per crawl; the portal reads them all (a store-side alert query is the next step at scale).
    private static async Task<List<Alert>> AllAlertsAsync(IPipelineStore store, CancellationToken ct)
    {
        var alerts = new List<Alert>();
        foreach (var crawl in await store.GetCrawlsAsync(ct))
        {
            alerts.AddRange(await store.GetAlertsAsync(crawl.Id, ct));
        }

        return alerts;
    }
}

/// <summary>Filtering and keyset paging of alerts, in a plain class the tests call.</summary>
public static class AlertList
{
    public static IReadOnlyList<Alert> Page(IEnumerable<Alert> alerts, ListingFilter filter, (DateTimeOffset At, string Id)? after, int size, out string? next)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = alerts
            .Where(a => filter.MinScore is not { } min || a.Score >= min)
            .Where(a => filter.Species is null || string.Equals(a.SpeciesGroup, filter.Species, StringComparison.OrdinalIgnoreCase))
            .Where(a => filter.Platform is null || string.Equals(a.Platform, filter.Platform, StringComparison.OrdinalIgnoreCase))
            .Where(a => filter.From is not { } from || a.RaisedAt >= from)
            .Where(a => filter.Until is not { } until || a.RaisedAt < until.AddDays(1))
            .Where(a => after is not { } k || a.RaisedAt < k.At || (a.RaisedAt == k.At && string.CompareOrdinal(a.Id, k.Id) > 0))
            .OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        next = matching.Count > size ? AlertCursor.Encode(matching[size - 1]) : null;
        return matching.Take(size).ToList();
    }
}

/// <summary>The alert list's opaque cursor: the last row's raise time (UTC ticks) and id.</summary>
public static class AlertCursor
{
    public static string Encode(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(alert.RaisedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + alert.Id));
    }

    public static bool TryDecode(string? cursor, out (DateTimeOffset At, string Id)? after)
    {
        after = null;
        if (cursor is null)
        {
            return true;
        }

        var bytes = new byte[cursor.Length];
        if (!Convert.TryFromBase64String(cursor, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        after = (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
        return true;
    }
}
