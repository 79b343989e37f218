using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace WildlifeWatch.Portal.Security;

/// <summary>Sign-in, API keys, policies, antiforgery and the response headers every answer carries.</summary>
public static class PortalSecurity
{
    public const string SmartScheme = "Portal";
    public const string SignInPath = "/signin";

    /// <summary>No script at all: the portal is server-rendered, and captured pages are hostile.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IServiceCollection AddPortalSecurity(this IServiceCollection services)
    {
        services.AddSingleton<PortalDirectory>();
        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(PortalApiKeys.Header) ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = SignInPath;
                o.Cookie.Name = "wtw.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<PortalOptions>>((cookie, portal) => cookie.ExpireTimeSpan = portal.Value.SessionIdleTimeout);

        services.AddAuthorizationBuilder()
            // Every endpoint needs a signed-in user unless it says otherwise (only the sign-in page and the style sheet do).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(SmartScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(PortalPolicies.Review, p => p.RequireRole(PortalRoles.All))
            .AddPolicy(PortalPolicies.Label, p => p.RequireRole(PortalRoles.Investigator, PortalRoles.Analyst, PortalRoles.Administrator))
            .AddPolicy(PortalPolicies.Investigate, p => p.RequireRole(PortalRoles.Investigator, PortalRoles.Administrator))
            .AddPolicy(PortalPolicies.Screen, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().RequireRole(PortalRoles.PlatformPartner).RequireClaim(PortalRoles.PlatformClaim));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "wtw.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__csrf";
        });
        return services;
    }

    /// <summary>Headers that keep a browser from sniffing, framing or running anything the portal did not write.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || context.User.Identity?.IsAuthenticated == true)
        {
            headers.CacheControl = "no-store";
        }

        return next(context);
    });

    /// <summary>
    /// Every POST outside the API must carry the antiforgery token, whatever its content type and whether or not its
    /// endpoint binds a form (the built-in check covers only form-binding endpoints with a form content type).
    /// Runs after authorization, so an anonymous visitor is sent to sign in rather than told about tokens.
    /// </summary>
    public static IApplicationBuilder UseAntiforgeryOnEveryPost(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && !IsApi(context.Request))
        {
            try
            {
                await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("The form is missing its antiforgery token, or it expired: reload the page and try again.");
                return;
            }
        }

        await next(context);
    });

    /// <summary>API clients get the status; people get sent to the sign-in page (401) or told they may not (403).</summary>
    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized && !IsApi(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.Ordinal);

    public static string? PlatformOf(this System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.PlatformPartner) ? user.FindFirst(PortalRoles.PlatformClaim)?.Value ?? "\0none" : null;
}
