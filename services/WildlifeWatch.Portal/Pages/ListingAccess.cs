using System.Globalization;
using System.Security.Claims;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>What a user may see of the listings, and the pieces the list pages share.</summary>
internal static class ListingAccess
{
    /// <summary>The listing, or null when it does not exist or belongs to a platform the user (a partner) may not see.</summary>
    public static async Task<Listing?> FindAsync(IPipelineStore store, ClaimsPrincipal user, string listingId, CancellationToken ct)
    {
        var listing = await store.GetListingAsync(listingId, ct);
        return listing is not null && MaySee(user, ListingFacts.Platform(listing.Url)) ? listing : null;
    }

    public static bool MaySee(ClaimsPrincipal user, string platform) =>
        user.PlatformOf() is not { } bound || string.Equals(bound, platform, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every capture of the listing's page in its crawl, oldest first (as the evidence package takes them).</summary>
    public static async Task<IReadOnlyList<Capture>> CapturesAsync(IPipelineStore store, Listing listing, CancellationToken ct)
    {
        var own = await store.GetCaptureAsync(listing.CaptureId, ct);
        if (own is null)
        {
            return [];
        }

        var all = await store.GetCapturesAsync(listing.CrawlId, ct);
        return all.Where(c => c.NormalizedUrl == own.NormalizedUrl).Append(own).DistinctBy(c => c.Id).OrderBy(c => c.CapturedAt).ToList();
    }

    public static Html FilterForm(string action, ListingFilter filter, bool partner, bool full)
    {
        var platform = partner ? Html.Empty : Html.Of($"""<label>Platform <input name="platform" value="{filter.Platform}"></label>""");
        var more = full
            ? Html.Of($"""
                <label>Country <input name="country" size="3" value="{filter.Country}"></label>
                <label>Seller <input name="seller" value="{filter.Seller}"></label>
                <label>Status <select name="status">{Option("all", "removed and live", filter.Status ?? "all")}{Option("live", "live", filter.Status ?? "all")}{Option("removed", "removed", filter.Status ?? "all")}</select></label>
                """)
            : Html.Empty;
        return Html.Of($"""
            <form class="filters" method="get" action="{action}">
            <label>Score at least <input name="minScore" size="4" value="{filter.MinScore?.ToString(CultureInfo.InvariantCulture)}"></label>
            <label>Species group <input name="species" value="{filter.Species}"></label>
            {platform}{more}
            <label>From <input name="from" type="date" value="{filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
            <label>Until <input name="until" type="date" value="{filter.Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
            <label>&nbsp;<button type="submit">Filter</button></label></form>
            """);
    }

    public static Html NextLink(string path, ListingFilter filter, string? next) =>
        next is null ? Html.Of($"<p class=\"muted\">End of the list.</p>") : Html.Of($"<p><a rel=\"next\" href=\"{path}{filter.QueryString(next)}\">Next page</a></p>");

    public static string Score(double? score) => score?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–";

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    private static Html Option(string value, string label, string selected) =>
        value == selected ? Html.Of($"<option value=\"{value}\" selected>{label}</option>") : Html.Of($"<option value=\"{value}\">{label}</option>");
}
