using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WildlifeWatch.Portal.Pages;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Portal.Screening;

/// <summary><c>POST /api/screen</c>: API key, per-partner rate limit, problem details for bad input.</summary>
internal sealed class ScreeningApi : IPortalEndpoints
{
    public const string Path = "/api/screen";
    public const string RateLimitPolicy = "screening";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, ScreenAsync)
            .RequireAuthorization(PortalPolicies.Screen)
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery();

    /// <summary>A fixed window per partner (the key's name); a rejected request learns when the window opens again.</summary>
    public static IServiceCollection AddScreeningRateLimit(IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value;
                var partner = context.User.Identity?.Name ?? "anonymous";
                var permits = options.ApiKeys.FirstOrDefault(k => k.Name == partner)?.PermitsPerMinute ?? options.ScreeningPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(partner,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many screening requests",
                    detail: "This API key's rate limit is reached; retry after the time in Retry-After.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static async Task<IResult> ScreenAsync(HttpContext context, ListingScreener screener)
    {
        ScreeningRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<ScreeningRequest>(context.Request.Body, Json, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Not a JSON listing: {e.Message}"] });
        }

        if (request is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON listing is required."] });
        }

        var errors = request.Validate();
        var bound = context.User.PlatformOf();
        if (request.Platform is { } platform && bound is not null && !string.Equals(platform, bound, StringComparison.OrdinalIgnoreCase))
        {
            errors["platform"] = [$"This API key screens listings of {bound} only."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        return Results.Ok(await screener.ScreenAsync(request, context.RequestAborted));
    }
}
