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
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.MongoDb;

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
            // The trace and span ids (see AddPipeline) print as a scope: a log line leads to its trace.
            o.IncludeScopes = true;
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
        services.AddPipelineStore(configuration).AddMongoDbStoreProvider();

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
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>();
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();

        // On SIGTERM MassTransit stops taking messages and waits for the ones in flight; the consume token is
        // never cancelled early (ConsumerStopTimeout unset), so a page being captured is finished, not half-done.
        // What the host's timeout still cuts off is unacknowledged and returns to its queue.
        var shutdown = configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>() ?? new ShutdownOptions();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown.ShutdownTimeout);
        services.Configure<MassTransitHostOptions>(o => o.StopTimeout = shutdown.ShutdownTimeout);

        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        services.AddHostedService<HealthServer>();

        services.AddMassTransit(bus =>
        {
            // MassTransit would report usage to its vendor over the Internet; this system talks only to its own broker.
            bus.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            bus.AddPublishObserver<AlertMetricsObserver>();

            foreach (var module in modules)
            {
                module.ConfigureConsumers(bus);
            }

            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                ConfigureEndpoint(endpoint, busOptions, name);
                endpoint.UseConsumeFilter(typeof(StageTelemetryFilter<>), context);
            });

            if (busOptions.Transport == BusTransport.RabbitMq && busOptions.RabbitMqUri is { Length: > 0 } uri)
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    // Confirms on, explicitly: a publish returns only once the broker has the message, so
                    // "stored, then announced" cannot lose the announcement in a client buffer.
                    cfg.Host(new Uri(uri), h => h.PublisherConfirmation = true);
                    cfg.PrefetchCount = busOptions.PrefetchCount;

                    // Alerts fan out by topic, so each subscriber's queue receives only what its patterns select.
                    cfg.Message<AlertRaised>(m => m.SetEntityName(AlertRouting.Exchange));
                    cfg.Publish<AlertRaised>(p => p.ExchangeType = RabbitMQ.Client.ExchangeType.Topic);
                    cfg.Send<AlertRaised>(s => s.UseRoutingKeyFormatter(c => AlertRouting.RoutingKey(c.Message)));
                    // Updates share the exchange and the key shape, so a subscriber's bindings select them too.
                    cfg.Message<AlertUpdated>(m => m.SetEntityName(AlertRouting.Exchange));
                    cfg.Publish<AlertUpdated>(p => p.ExchangeType = RabbitMQ.Client.ExchangeType.Topic);
                    cfg.Send<AlertUpdated>(s => s.UseRoutingKeyFormatter(c => AlertRouting.RoutingKey(c.Message)));
                    if (busOptions.RedeliversLater)
                    {
                        cfg.UseDelayedMessageScheduler();
                    }

                    StageQueues.DeclareOnPublish(cfg, busOptions);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDelayedMessageScheduler();
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        AddTelemetry(services, configuration, modules);
        return services;
    }

    /// <summary>The failure policy and topology every receive endpoint gets, whatever the transport.</summary>
    public static void ConfigureEndpoint(IReceiveEndpointConfigurator endpoint, BusOptions options, string? queueName = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);

        // Transient faults (a busy store, a browser hiccup) get exponential back-off; a message that outlasts them is
        // redelivered later, after each configured interval (an outage of the store or a site); what still fails lands
        // in the endpoint's _error queue with MT-Fault-* headers (MassTransit's default). On RabbitMQ, redelivery later
        // needs the delayed-message-exchange plugin, so it is on only where the operator says the broker has it.
        if (options.RedeliversLater)
        {
            var intervals = BusOptions.ParseRedeliveryIntervals(options.RedeliveryIntervals);
            endpoint.UseDelayedRedelivery(r => r.Intervals(intervals));
        }

        if (options.RetryLimit > 0)
        {
            endpoint.UseMessageRetry(r => r.Exponential(options.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
        }

        if (options.ConcurrentMessageLimit is { } limit)
        {
            endpoint.ConcurrentMessageLimit = limit;
        }

        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = options.PrefetchCount;
            // Only the pipeline's own queues: a temporary endpoint (a classifier's model announcements) is auto-delete,
            // which a quorum queue cannot be.
            if (queueName is not null && !QueueNames.All.Contains(queueName, StringComparer.Ordinal))
            {
                return;
            }

            StageQueues.ApplyQueueType(rabbit, options);
        }
    }

    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration, IPipelineModule[] modules)
    {
        var settings = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var serviceName = settings.ServiceName ?? (modules.Length == 1 ? $"wtw-{modules[0].Name}" : "wtw-pipeline");

        // Every log line written inside a span carries its trace and span id (console scope, OTLP log record).
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: typeof(PipelineHost).Assembly.GetName().Version?.ToString()))
            .WithTracing(t =>
            {
                t.AddSource(PipelineTelemetry.Name, "MassTransit");
                // Out-of-range values are left to the options validation, which stops the host with the reason.
                if (settings.TraceSampleRatio is >= 0 and < 1)
                {
                    t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.TraceSampleRatio)));
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(PipelineTelemetry.Name, "MassTransit");
                if (settings.Prometheus)
                {
                    m.AddPrometheusExporter(o => o.ScrapeEndpointPath = settings.PrometheusPath);
                }
            })
            .WithLogging();
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static BusOptions ReadBusOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        options.RabbitMqUri ??= configuration["RABBITMQ_URI"];
        return options;
    }
}
