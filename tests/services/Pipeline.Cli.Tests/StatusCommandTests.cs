using RabbitMQ.Client;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Contracts;

namespace WildlifeWatch.Cli.Tests;

public sealed class StatusCommandTests
{
    private static readonly string[] Queues = [QueueNames.FetcherRequests, QueueNames.ExtractorCaptures];

    [Test]
    public void Rows_join_each_queue_with_its_error_queue_and_mark_missing_queues()
    {
        var now = Samples(
            new QueueSample(QueueNames.FetcherRequests, 40, 2),
            new QueueSample(QueueNames.FetcherRequests + "_error", 3, 0));

        var rows = QueueStatusTable.Build(Queues, now, null, TimeSpan.FromSeconds(5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows[0], Is.EqualTo(new QueueStatusRow(QueueNames.FetcherRequests, "fetcher", 40, 2, null, null, null, 3)));
            Assert.That(rows[1].Stage, Is.EqualTo("extractor"));
            Assert.That(rows[1].Messages, Is.Null, "a queue the broker does not have");
            Assert.That(rows[1].Errors, Is.Null);
        }
    }

    [Test]
    public void Change_per_second_comes_from_two_samples_of_the_same_queue()
    {
        var before = Samples(new QueueSample(QueueNames.FetcherRequests, 100, 1), new QueueSample(QueueNames.ExtractorCaptures, 10, 1));
        var now = Samples(new QueueSample(QueueNames.FetcherRequests, 70, 1), new QueueSample(QueueNames.ExtractorCaptures, 30, 1));

        var rows = QueueStatusTable.Build(Queues, now, before, TimeSpan.FromSeconds(10));

        Assert.That(rows.Select(r => r.Change), Is.EqualTo(new double?[] { -3.0, 2.0 }));
    }

    [Test]
    public void No_change_is_claimed_without_an_earlier_sample_or_elapsed_time()
    {
        var now = Samples(new QueueSample(QueueNames.FetcherRequests, 70, 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(QueueStatusTable.Build(Queues, now, null, TimeSpan.FromSeconds(10))[0].Change, Is.Null);
            Assert.That(QueueStatusTable.Build(Queues, now, now, TimeSpan.Zero)[0].Change, Is.Null);
        }
    }

    [Test]
    public void The_table_aligns_columns_and_sums_backlog_and_errors()
    {
        var rows = new[]
        {
            new QueueStatusRow(QueueNames.FetcherRequests, "fetcher", 1234, 2, 12.5, 10.25, -1.5, 7),
            new QueueStatusRow(QueueNames.ExtractorCaptures, "extractor", null, null, null, null, null, null),
        };

        var lines = QueueStatusTable.Render(rows).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines[0], Does.StartWith("QUEUE").And.Contain("CONSUMERS").And.EndWith("ERRORS"));
            Assert.That(lines[1], Does.Contain("1234").And.Contain("12.5").And.Contain("10.3").And.Contain("-1.5").And.EndWith("7"));
            Assert.That(lines[2], Does.Contain("missing"));
            Assert.That(lines[1].IndexOf("fetcher", StringComparison.Ordinal), Is.EqualTo(lines[2].IndexOf("extractor", StringComparison.Ordinal)), "stage column aligned");
            Assert.That(lines[^1], Does.StartWith("backlog 1234 message(s); 7 in error queues").And.Contain("--requeue"));
        }
    }

    [Test]
    public void Management_api_queues_give_depth_consumers_and_the_brokers_rates()
    {
        const string json = """
            [
              {"name":"wtw.fetcher.fetch-requested","messages":42,"consumers":3,
               "message_stats":{"publish_details":{"rate":4.5},"deliver_get_details":{"rate":3.25}}},
              {"name":"wtw.fetcher.fetch-requested_error","messages":2,"consumers":0}
            ]
            """;

        var samples = QueueStatusTable.ParseManagementQueues(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(samples[QueueNames.FetcherRequests], Is.EqualTo(new QueueSample(QueueNames.FetcherRequests, 42, 3, 4.5, 3.25)));
            Assert.That(samples[QueueNames.FetcherRequests + "_error"], Is.EqualTo(new QueueSample(QueueNames.FetcherRequests + "_error", 2, 0)));
        }
    }

    [Test]
    public void Virtual_host_and_management_address_are_read_from_their_settings()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(StatusCommand.VirtualHost(new Uri("amqp://u:p@127.0.0.1:5672/")), Is.EqualTo("/"));
            Assert.That(StatusCommand.VirtualHost(new Uri("amqp://u:p@127.0.0.1:5672/wtw%2Fprod")), Is.EqualTo("wtw/prod"));
            Assert.That(StatusCommand.ManagementUri(null, "http://127.0.0.1:15672")!.AbsoluteUri, Is.EqualTo("http://127.0.0.1:15672/"));
            Assert.That(StatusCommand.ManagementUri(null, null), Is.Null);
            Assert.That(() => StatusCommand.ManagementUri("amqp://127.0.0.1/", null), Throws.TypeOf<UsageException>());
        }
    }

    /// <summary>The real read, over AMQP passive declares, against the broker of RABBITMQ_URI.</summary>
    [Test]
    [Category("RabbitMq")]
    public async Task Amqp_reader_reports_depth_and_consumers_of_a_real_queue_and_missing_ones()
    {
        var uri = Environment.GetEnvironmentVariable("RABBITMQ_URI");
        if (string.IsNullOrWhiteSpace(uri))
        {
            Assert.Ignore("RABBITMQ_URI is not set: no broker to read (set it, or source .ci/prepare, to run this test).");
        }

        // Fails, not skips, when the variable names a broker that does not answer.
        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "status test" };
        var connection = await factory.CreateConnectionAsync();
        var queue = "wtw-status-test-" + Guid.NewGuid().ToString("N")[..8];
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
            for (var i = 0; i < 3; i++)
            {
                await channel.BasicPublishAsync(string.Empty, queue, new byte[] { 1 });
            }
        }

        try
        {
            await using var reader = new AmqpQueueReader(await factory.CreateConnectionAsync());
            IReadOnlyDictionary<string, QueueSample> samples = new Dictionary<string, QueueSample>();
            for (var attempt = 0; attempt < 50 && samples.GetValueOrDefault(queue)?.Messages != 3; attempt++)
            {
                samples = await reader.ReadAsync(QueueStatusTable.QueuesToRead([queue]), CancellationToken.None);
                await Task.Delay(100);
            }

            using (Assert.EnterMultipleScope())
            {
                Assert.That(samples[queue], Is.EqualTo(new QueueSample(queue, 3, 0)));
                Assert.That(samples[queue + "_error"].Messages, Is.Null, "the error queue was never declared");
            }
        }
        finally
        {
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.QueueDeleteAsync(queue);
            }

            await connection.DisposeAsync();
        }
    }

    private static Dictionary<string, QueueSample> Samples(params QueueSample[] samples) =>
        samples.ToDictionary(s => s.Name, StringComparer.Ordinal);
}
