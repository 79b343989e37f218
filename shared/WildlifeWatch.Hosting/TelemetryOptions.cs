using Microsoft.Extensions.Options;

namespace WildlifeWatch.Hosting;

/// <summary>
/// Telemetry of a service (section <c>Telemetry</c>). OTLP export is configured by the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>) variables.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve the metrics in Prometheus' text format at <see cref="PrometheusPath"/> on the health port (<c>Health:Port</c>).</summary>
    public bool Prometheus { get; set; } = true;

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>The service name on traces, metrics and logs; default <c>wtw-&lt;stage&gt;</c>, or <c>wtw-pipeline</c> for all five in one process.</summary>
    public string? ServiceName { get; set; }

    /// <summary>
    /// Share of traces recorded (0..1; a trace started upstream keeps its parent's decision). Below 1 a busy service
    /// spends less on span bookkeeping per message; metrics are unaffected.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;
}

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prometheus && (string.IsNullOrWhiteSpace(options.PrometheusPath) || !options.PrometheusPath.StartsWith('/') || options.PrometheusPath.StartsWith("/health/", StringComparison.Ordinal)))
        {
            return ValidateOptionsResult.Fail($"Telemetry:PrometheusPath must be an absolute path outside /health/, not '{options.PrometheusPath}'.");
        }

        return options.ServiceName is not null && string.IsNullOrWhiteSpace(options.ServiceName)
            ? ValidateOptionsResult.Fail("Telemetry:ServiceName must not be blank.")
            : ValidateOptionsResult.Success;
    }
}
