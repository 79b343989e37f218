using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WildlifeWatch.Store;

namespace WildlifeWatch.Hosting;

/// <summary>The hosting every service shares: configuration, logging, store, bus, telemetry.</summary>
public static class PipelineHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, params IPipelineModule[] modules) =>
        CreateBuilder(args, new Dictionary<string, string?>(), modules);

    /// <summary>A host whose settings are overridden by <paramref name="overrides"/> (the CLI forces the embedded transport this way).</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?> overrides, params IPipelineModule[] modules)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        AddPipeline(builder.Services, builder.Configuration, modules);
        return builder;
    }

    /// <summary>Registers store, modules, bus and telemetry; usable by any host (tests, the CLI).</summary>
    public static IServiceCollection AddPipeline(IServiceCollection services, IConfiguration configuration, params IPipelineModule[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Length == 0)
        {
            throw new ArgumentException("A pipeline host needs at least one module.", nameof(modules));
        }

        // The store starts first: consumers must never run against a store without its schema.
        services.AddPipelineStore(configuration);

        foreach (var module in modules)
        {
            module.ConfigureServices(services, configuration);
        }

        var busOptions = ReadBusOptions(configuration);
        services.AddOptions<BusOptions>()
            .Bind(configuration.GetSection(BusOptions.Section))
            .PostConfigure(o => o.RabbitMqUri ??= configuration["RABBITMQ_URI"])
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BusOptions>, BusOptionsValidator>();

        services.AddMassTransit(bus =>
        {
            foreach (var module in modules)
            {
                module.ConfigureConsumers(bus);
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Transient faults (a busy store, a browser hiccup) get exponential back-off;
                // what still fails lands in the endpoint's _error queue with its exception.
                endpoint.UseMessageRetry(r => r.Exponential(busOptions.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
            });

            if (busOptions.Transport == BusTransport.RabbitMq && busOptions.RabbitMqUri is { Length: > 0 } uri)
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(uri));
                    cfg.PrefetchCount = busOptions.PrefetchCount;
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });

        var serviceName = modules.Length == 1 ? $"wtw-{modules[0].Name}" : "wtw-pipeline";
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t.AddSource(PipelineTelemetry.Name, "MassTransit"))
            .WithMetrics(m => m.AddMeter(PipelineTelemetry.Name, "MassTransit"));
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    private static BusOptions ReadBusOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        options.RabbitMqUri ??= configuration["RABBITMQ_URI"];
        return options;
    }
}
