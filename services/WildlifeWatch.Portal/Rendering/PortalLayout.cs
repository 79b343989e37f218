using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;

namespace WildlifeWatch.Portal.Rendering;

/// <summary>A link of the navigation bar, shown to those the policy admits.</summary>
public sealed record PortalLink(string Label, string Path, string Policy);

/// <summary>The page frame: head, navigation for the user's roles, the sign-out form and the body.</summary>
public static class PortalLayout
{
    /// <summary>Links in display order; a new page adds its link here.</summary>
    public static IList<PortalLink> Navigation { get; } = new List<PortalLink>
    {
        new("Alerts", "/alerts", Security.PortalPolicies.Review),
        new("Listings", "/listings", Security.PortalPolicies.Review),
        new("Cases", "/cases", Security.PortalPolicies.Investigate),
        new("Takedown reports", "/takedown", Security.PortalPolicies.Review),
        new("Provenance", "/provenance", Security.PortalPolicies.Review),
    };

    public const string Css = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1c2321;background:#f7f7f4}
        header{background:#24423a;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center}
        header a{color:#fff}header form{margin-left:auto}main{padding:1rem;max-width:80rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}
        .muted{color:#667}.error{color:#a11}code,.hash{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}form.filters label{display:flex;flex-direction:column}
        img.shot{max-width:100%;border:1px solid #ccd}pre.captured{white-space:pre-wrap;background:#fff;border:1px solid #ccd;padding:.5rem}
        """;

    public static async Task<IResult> PageAsync(HttpContext context, string title, Html body, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var links = new List<Html>();
        if (user.Identity?.IsAuthenticated == true)
        {
            foreach (var link in Navigation)
            {
                if ((await authorization.AuthorizeAsync(user, link.Policy)).Succeeded)
                {
                    links.Add(Html.Of($"<a href=\"{link.Path}\">{link.Label}</a>"));
                }
            }
        }

        var account = user.Identity?.IsAuthenticated == true
            ? Html.Of($"""<form method="post" action="/signout">{Antiforgery(context)}<span>{user.Identity.Name} ({string.Join(", ", Security.PortalRoles.All.Where(user.IsInRole))})</span> <button type="submit">Sign out</button></form>""")
            : Html.Empty;
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{title} · Wildlife Trade Watch</title>
            <link rel="stylesheet" href="/static/portal.css"></head>
            <body><header><strong>Wildlife Trade Watch</strong>{links}{account}</header>
            <main><h1>{title}</h1>{body}</main></body></html>
            """);
        return Results.Content(page.ToString(), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The hidden antiforgery field every POST form carries.</summary>
    public static Html Antiforgery(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Of($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }

    public static Task<IResult> ErrorAsync(HttpContext context, int status, string message) =>
        PageAsync(context, status == StatusCodes.Status404NotFound ? "Not found" : "Cannot do that", Html.Of($"<p class=\"error\">{message}</p>"), status);
}
