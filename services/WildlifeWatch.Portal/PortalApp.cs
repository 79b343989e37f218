using Microsoft.Extensions.Options;
using WildlifeWatch.Hosting;
using WildlifeWatch.Portal.Pages;
using WildlifeWatch.Portal.Screening;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Portal;

/// <summary>
/// Builds the portal the same way for its own service, for <c>pipeline run --serve</c> and for the tests: the shared
/// pipeline hosting (store, telemetry, health, bus) plus the portal module, Kestrel on <c>Portal:BindAddress:Port</c>.
/// </summary>
public static class PortalApp
{
    /// <summary>The areas of the portal, mapped in this order; a new page or API is one more entry.</summary>
    public static IReadOnlyList<IPortalEndpoints> Areas { get; } =
    [
        new SignInPages(),
        new AlertPages(),
        new ListingPages(),
        new CasePages(),
        new TakedownPages(),
        new ProvenancePages(),
        new ScreeningApi(),
    ];

    public static WebApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        PipelineHost.AddPipeline(builder.Services, builder.Configuration, new PortalModule());
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        builder.WebHost.UseUrls($"http://{options.BindAddress}:{options.Port}");
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgeryOnEveryPost();
        app.UseAntiforgery();
        foreach (var area in Areas)
        {
            area.Map(app);
        }

        return app;
    }

    /// <summary>The address Kestrel listens on once started (the real port when 0 was asked for).</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Urls.First());
    }

    /// <summary>The portal's settings as validated at start.</summary>
    public static PortalOptions Options(WebApplication app) => app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;
}
