using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Hosting.Tests;

/// <summary>The failure policy of every endpoint: immediate retries, then redelivery later, then the error queue.</summary>
[NonParallelizable]
public sealed class RedeliveryTests
{
    private string _directory = null!;

    [SetUp]
    public void Reset()
    {
        _directory = Directory.CreateTempSubdirectory("wtw-redelivery-").FullName;
        FlakyConsumer.Attempts.Clear();
        FlakyConsumer.Done.Clear();
        FlakyConsumer.Faulted.Clear();
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task A_message_that_outlasts_its_immediate_retries_is_redelivered_later_and_then_processed()
    {
        // Two immediate attempts per delivery; the consumer recovers on the fifth attempt, in the second redelivery.
        var id = Guid.NewGuid();
        using var host = Build(retryLimit: 1, intervals: "00:00:00.3;00:00:00.3;00:00:00.3");
        await host.StartAsync();
        try
        {
            await host.Services.GetRequiredService<IBus>().Publish(new Flaky(id, FailAttempts: 4));
            var redeliveries = await WaitAsync(() => FlakyConsumer.Done.TryGetValue(id, out var r) ? r : (int?)null);

            Assert.That(redeliveries, Is.EqualTo(2), "processed in the second redelivery");
            Assert.That(FlakyConsumer.Attempts[id], Is.EqualTo(5));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task Without_redelivery_a_message_faults_after_its_immediate_retries()
    {
        var id = Guid.NewGuid();
        using var host = Build(retryLimit: 1, intervals: string.Empty);
        await host.StartAsync();
        try
        {
            await host.Services.GetRequiredService<IBus>().Publish(new Flaky(id, FailAttempts: 4));
            await WaitAsync(() => FlakyConsumer.Faulted.ContainsKey(id) ? 1 : (int?)null);

            Assert.That(FlakyConsumer.Attempts[id], Is.EqualTo(2), "two immediate attempts and no redelivery");
            Assert.That(FlakyConsumer.Done.ContainsKey(id), Is.False);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [TestCase("00:00:30;00:02:00", true)]
    [TestCase("", true)]
    [TestCase("soon", false)]
    [TestCase("00:00:30;-00:00:01", false)]
    public void Redelivery_intervals_are_validated(string intervals, bool valid)
    {
        var result = new BusOptionsValidator().Validate(null, new BusOptions { RedeliveryIntervals = intervals });

        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
    }

    [Test]
    public void RabbitMq_redelivers_later_only_when_the_broker_has_the_delayed_exchange()
    {
        var plain = new BusOptions { Transport = BusTransport.RabbitMq };
        var withPlugin = new BusOptions { Transport = BusTransport.RabbitMq, DelayedExchange = true };

        Assert.That((plain.RedeliversLater, withPlugin.RedeliversLater, new BusOptions().RedeliversLater), Is.EqualTo((false, true, true)));
    }

    private IHost Build(int retryLimit, string intervals) =>
        PipelineHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Bus:RetryLimit"] = retryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RedeliveryIntervals"] = intervals,
            ["Store:SqlitePath"] = Path.Combine(_directory, "pipeline.db"),
        }, new FlakyModule()).Build();

    private static async Task<int> WaitAsync(Func<int?> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        Assert.Fail("nothing happened within 30 s");
        return 0;
    }

    public sealed record Flaky(Guid Id, int FailAttempts);

    public sealed class FlakyConsumer : IConsumer<Flaky>, IConsumer<Fault<Flaky>>
    {
        public static readonly ConcurrentDictionary<Guid, int> Attempts = new();
        public static readonly ConcurrentDictionary<Guid, int> Done = new();
        public static readonly ConcurrentDictionary<Guid, bool> Faulted = new();

        public Task Consume(ConsumeContext<Flaky> context)
        {
            var attempt = Attempts.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
            if (attempt <= context.Message.FailAttempts)
            {
                throw new InvalidOperationException($"attempt {attempt} fails");
            }

            Done[context.Message.Id] = context.GetRedeliveryCount();
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<Fault<Flaky>> context)
        {
            Faulted[context.Message.Message.Id] = true;
            return Task.CompletedTask;
        }
    }

    private sealed class FlakyModule : IPipelineModule
    {
        public string Name => "redelivery-test";

        public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void ConfigureConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<FlakyConsumer>();
    }
}
