using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using WildlifeWatch.Store;

namespace WildlifeWatch.Hosting;

/// <summary>
/// Serves <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the checks tagged <c>ready</c>:
/// MassTransit's bus check and the store) and the Prometheus scrape endpoint (<c>/metrics</c>) on a small Kestrel of
/// its own, so a service stays a plain Generic Host.
/// </summary>
internal sealed class HealthServer(
    IOptions<HealthOptions> options,
    IOptions<TelemetryOptions> telemetry,
    HealthCheckService checks,
    IServiceProvider services,
    ILogger<HealthServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Port == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Blank URL settings: ASPNETCORE_URLS meant for something else must not add a binding.
            Args = ["--urls=", "--http_ports=", "--https_ports="],
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(settings.BindAddress), settings.Port));
        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Text("Healthy"));
        app.MapGet("/health/ready", async (CancellationToken ct) =>
        {
            var report = await checks.CheckHealthAsync(r => r.Tags.Contains("ready"), ct);
            var body = JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            });
            return Results.Text(body, "application/json", statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });

        // The meter provider lives in the service's container, not in this small web app's own.
        if (telemetry.Value.Prometheus && services.GetService<MeterProvider>() is { } meters)
        {
            app.MapPrometheusScrapingEndpoint(telemetry.Value.PrometheusPath, meters, null, null);
        }

        await app.StartAsync(cancellationToken);
        _app = app;
        logger.LogInformation("Health endpoints on http://{Address}:{Port}/health/live and /health/ready, metrics on {Metrics}",
            settings.BindAddress, settings.Port, telemetry.Value.Prometheus ? telemetry.Value.PrometheusPath : "(off)");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Ready only when the store answers a cheap query: a worker without its store can only fail messages.</summary>
internal sealed class StoreHealthCheck(IPipelineStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.GetCrawlsAsync(timeout.Token);
            return HealthCheckResult.Healthy("store answers");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("store does not answer: " + e.Message, e);
        }
    }
}
