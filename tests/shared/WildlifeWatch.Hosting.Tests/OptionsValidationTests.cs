using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Hosting.Tests;

public sealed class OptionsValidationTests
{
    [TestCase(16, 4, true)]
    [TestCase(16, 16, true)]
    [TestCase(4, 16, false)]
    public void The_concurrent_message_limit_may_not_exceed_the_prefetch_count(int prefetch, int limit, bool valid)
    {
        var result = new BusOptionsValidator().Validate(null, new BusOptions { PrefetchCount = prefetch, ConcurrentMessageLimit = limit });

        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
    }

    [Test]
    public void Quorum_queues_need_the_rabbitmq_transport()
    {
        var inMemory = new BusOptionsValidator().Validate(null, new BusOptions { QueueType = BusQueueType.Quorum });
        var rabbit = new BusOptionsValidator().Validate(null, new BusOptions { QueueType = BusQueueType.Quorum, Transport = BusTransport.RabbitMq, RabbitMqUri = "amqp://127.0.0.1/" });

        Assert.That((inMemory.Succeeded, rabbit.Succeeded), Is.EqualTo((false, true)));
        Assert.That(inMemory.FailureMessage, Does.Contain("Bus:QueueType Quorum"));
    }

    [TestCase(0, "127.0.0.1", true)]
    [TestCase(8080, "0.0.0.0", true)]
    [TestCase(8080, "::1", true)]
    [TestCase(-1, "127.0.0.1", false)]
    [TestCase(70000, "127.0.0.1", false)]
    [TestCase(8080, "localhost", false)]
    public void Health_settings_need_a_port_and_an_ip_address(int port, string address, bool valid)
    {
        var result = new HealthOptionsValidator().Validate(null, new HealthOptions { Port = port, BindAddress = address });

        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
    }

    [Test]
    public void Health_endpoints_are_off_and_on_loopback_by_default()
    {
        var defaults = new HealthOptions();

        Assert.That((defaults.Port, defaults.BindAddress), Is.EqualTo((0, "127.0.0.1")));
    }

    [TestCase("00:00:30", true)]
    [TestCase("00:00:00", false)]
    [TestCase("01:00:00", false)]
    public void The_shutdown_timeout_is_bounded(string timeout, bool valid)
    {
        var result = new ShutdownOptionsValidator().Validate(null, new ShutdownOptions { ShutdownTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
    }

    [Test]
    public void Settings_bind_from_configuration_and_the_shutdown_timeout_reaches_the_host()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:PrefetchCount"] = "8",
            ["Bus:ConcurrentMessageLimit"] = "2",
            ["Bus:QueueType"] = "Quorum",
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = "amqp://127.0.0.1/",
            ["Host:ShutdownTimeout"] = "00:00:45",
            ["Health:Port"] = "8081",
        }).Build();
        using var services = PipelineHost.AddPipeline(new ServiceCollection().AddLogging(), configuration, new NoModule()).BuildServiceProvider();

        var bus = services.GetRequiredService<IOptions<BusOptions>>().Value;
        var host = services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value;
        var health = services.GetRequiredService<IOptions<HealthOptions>>().Value;

        Assert.That((bus.PrefetchCount, bus.ConcurrentMessageLimit, bus.QueueType), Is.EqualTo((8, (int?)2, BusQueueType.Quorum)));
        Assert.That(host.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(45)));
        Assert.That(health.Port, Is.EqualTo(8081));
    }

    [TestCase("0.01", true)]
    [TestCase("1", true)]
    [TestCase("1.5", false)]
    [TestCase("-0.1", false)]
    public void The_trace_sample_ratio_is_a_share_between_zero_and_one(string ratio, bool valid)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:TraceSampleRatio"] = ratio }).Build();
        using var services = PipelineHost.AddPipeline(new ServiceCollection().AddLogging(), configuration, new NoModule()).BuildServiceProvider();

        if (valid)
        {
            Assert.That(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSampleRatio,
                Is.EqualTo(double.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture)));
        }
        else
        {
            var failure = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<TelemetryOptions>>().Value);
            Assert.That(failure!.Message, Does.Contain("TraceSampleRatio"));
        }
    }

    private sealed class NoModule : IPipelineModule
    {
        public string Name => "none";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void ConfigureConsumers(MassTransit.IBusRegistrationConfigurator bus)
        {
        }
    }
}
