using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>Sign-in and sign-out, and the style sheet: the only things an anonymous visitor may fetch.</summary>
internal sealed class SignInPages : IPortalEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(PortalSecurity.SignInPath, (HttpContext context, string? returnUrl) => FormAsync(context, returnUrl, null, StatusCodes.Status200OK))
            .AllowAnonymous();
        routes.MapPost(PortalSecurity.SignInPath, SignInAsync).AllowAnonymous();
        routes.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(PortalSecurity.SignInPath);
        });
        routes.MapGet("/static/portal.css", () => Results.Text(PortalLayout.Css, "text/css; charset=utf-8")).AllowAnonymous();
        routes.MapGet("/", () => Results.Redirect("/alerts"));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl,
        PortalDirectory directory, IPipelineStore store, TimeProvider time)
    {
        var account = directory.SignIn(name, password);
        if (account is null)
        {
            return await FormAsync(context, returnUrl, "Unknown name or wrong password.", StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, account.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
        await store.AppendAuditAsync(new AuditEntry(PortalActor.Of(account.Name), "sign-in", account.Name, account.Role, time.GetUtcNow()), context.RequestAborted);
        // Only a local path: an absolute returnUrl would make the sign-in page an open redirect.
        var target = returnUrl is { Length: > 1 } && returnUrl[0] == '/' && returnUrl[1] is not '/' and not '\\' ? returnUrl : "/";
        return Results.Redirect(target);
    }

    private static Task<IResult> FormAsync(HttpContext context, string? returnUrl, string? error, int status)
    {
        var message = error is null ? Html.Empty : Html.Of($"<p class=\"error\">{error}</p>");
        return PortalLayout.PageAsync(context, "Sign in", Html.Of($"""
            {message}
            <form method="post" action="{PortalSecurity.SignInPath}">{PortalLayout.Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{returnUrl ?? "/"}">
            <p><label>Name <input name="name" autocomplete="username" required></label></p>
            <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
            <p><button type="submit">Sign in</button></p></form>
            """), status);
    }
}

/// <summary>How the audit log names people and machines acting through the portal.</summary>
public static class PortalActor
{
    public static string Of(string name) => "portal:" + name;

    public static string Of(System.Security.Claims.ClaimsPrincipal user) => Of(user?.Identity?.Name ?? "unknown");
}
