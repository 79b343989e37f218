using System.Text;
using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Contracts;

namespace Pipeline.Cli.Tests;

public sealed class ErrorsCommandTests
{
    [Test]
    public void Without_a_queue_every_pipeline_error_queue_is_read()
    {
        Assert.That(ErrorsCommand.ErrorQueues(null), Is.EqualTo(QueueNames.All.Select(q => q + "_error")));
    }

    [TestCase("wtw.extractor.page-captured")]
    [TestCase("wtw.extractor.page-captured_error")]
    public void A_queue_may_be_named_with_or_without_its_error_suffix(string queue)
    {
        Assert.That(ErrorsCommand.ErrorQueues(queue), Is.EqualTo(new[] { "wtw.extractor.page-captured_error" }));
    }

    [Test]
    public void An_unknown_queue_is_refused_with_the_known_ones()
    {
        var e = Assert.Throws<UsageException>(() => ErrorsCommand.ErrorQueues("orders"));

        Assert.That(e!.Message, Does.Contain("'orders' is not a pipeline queue").And.Contain(QueueNames.FetcherRequests));
    }

    [Test]
    public void A_message_goes_back_to_the_queue_its_error_queue_is_named_after()
    {
        Assert.That(ErrorsCommand.SourceQueue("wtw.alerts.listing-scored_error"), Is.EqualTo("wtw.alerts.listing-scored"));
    }

    [TestCase(null, "amqp://guest:guest@127.0.0.1:5672/", "127.0.0.1")]
    [TestCase("amqp://u:p@10.0.0.1:5672/", "amqp://guest:guest@127.0.0.1:5672/", "10.0.0.1")]
    public void The_broker_comes_from_the_option_else_rabbitmq_uri(string? option, string environment, string host)
    {
        Assert.That(ErrorsCommand.BrokerUri(option, environment).Host, Is.EqualTo(host));
    }

    [TestCase(null, null, "needs the broker")]
    [TestCase("http://127.0.0.1/", null, "is not an amqp://")]
    public void A_missing_or_wrong_broker_address_is_a_usage_error(string? option, string? environment, string message)
    {
        var e = Assert.Throws<UsageException>(() => ErrorsCommand.BrokerUri(option, environment));

        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void A_failed_message_is_described_by_its_envelope_and_fault_headers()
    {
        var headers = new Dictionary<string, object?>
        {
            ["MT-Fault-ExceptionType"] = Encoding.UTF8.GetBytes("System.InvalidOperationException"),
            ["MT-Fault-Message"] = Encoding.UTF8.GetBytes("HTML artifact abc is not in the store."),
            ["MT-Fault-Timestamp"] = Encoding.UTF8.GetBytes("2025-01-01T12:00:00Z"),
            ["MT-Reason"] = Encoding.UTF8.GetBytes("fault"),
        };
        var body = Encoding.UTF8.GetBytes("""{"messageId":"m-1","messageType":["urn:message:WildlifeWatch.Contracts.V1:PageCaptured"],"message":{}}""");

        var described = ErrorsCommand.Describe(headers, body);

        Assert.That(described, Is.EqualTo(new FailedMessage(
            "WildlifeWatch.Contracts.V1:PageCaptured", "m-1", "System.InvalidOperationException", "HTML artifact abc is not in the store.",
            "2025-01-01T12:00:00Z", null, "fault")));
    }

    [Test]
    public void A_body_that_is_not_an_envelope_still_shows_its_fault()
    {
        var headers = new Dictionary<string, object?> { ["MT-Fault-Message"] = Encoding.UTF8.GetBytes("bad json") };

        var described = ErrorsCommand.Describe(headers, "not json"u8);

        Assert.That((described.MessageType, described.ExceptionMessage), Is.EqualTo(("(unknown)", "bad json")));
    }
}
