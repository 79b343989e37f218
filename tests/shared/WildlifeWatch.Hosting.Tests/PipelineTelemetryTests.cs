using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Hosting.Tests;

public sealed class PipelineTelemetryTests
{
    [TestCase("HTTP 404 Not Found", "http_404")]
    [TestCase("HTTP 503", "http_503")]
    [TestCase("gave up after 3 attempt(s): HTTP 429 Too Many Requests", "http_429")]
    [TestCase("navigation timed out after 30000 ms", "timeout")]
    [TestCase("non-HTML content (application/pdf, HTTP 200)", "non_html")]
    [TestCase("net::ERR_NAME_NOT_RESOLVED at https://gone.example/", "dns")]
    [TestCase("net::ERR_CONNECTION_REFUSED", "connection")]
    [TestCase("malformed URL 'ht!tp://'", "bad_url")]
    [TestCase("the browser received no response for the page", "other")]
    [TestCase("", "unknown")]
    public void Failure_reasons_become_a_few_label_values(string reason, string label) =>
        Assert.That(PipelineTelemetry.FailureReason(reason), Is.EqualTo(label));

    [TestCase("wtw.fetcher.fetch-requested", "fetcher")]
    [TestCase("wtw.scheduler.links-discovered", "scheduler")]
    [TestCase("wtw.alerts.listing-scored", "alerts")]
    [TestCase("some-other-queue", "other")]
    public void The_stage_is_read_from_the_queue_name(string queue, string stage) =>
        Assert.That(PipelineTelemetry.StageOfQueue(queue), Is.EqualTo(stage));

    [Test]
    public void Each_pipeline_queue_belongs_to_a_known_stage() =>
        Assert.That(Contracts.QueueNames.All.Select(PipelineTelemetry.StageOfQueue).Distinct(), Is.SubsetOf(PipelineTelemetry.Stages));

    [Test]
    public void A_page_journey_starts_a_new_trace_linked_to_the_discovering_one_and_restores_the_caller()
    {
        var started = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PipelineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Add,
        };
        ActivitySource.AddActivityListener(listener);

        using var discovering = PipelineTelemetry.Source.StartActivity("scheduler LinksDiscovered")!;
        using (PipelineTelemetry.StartPageJourney("crawl-1", "https://market.example/item/1"))
        {
            var journey = Activity.Current!;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(journey.TraceId, Is.Not.EqualTo(discovering.TraceId), "a trace of its own");
                Assert.That(journey.ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
                Assert.That(journey.Links.Select(l => l.Context.SpanId), Is.EqualTo(new[] { discovering.SpanId }));
                Assert.That(journey.GetTagItem(PipelineTelemetry.Tags.CrawlId), Is.EqualTo("crawl-1"));
                Assert.That(journey.GetTagItem(PipelineTelemetry.Tags.UrlHost), Is.EqualTo("market.example"));
                Assert.That(journey.GetTagItem(PipelineTelemetry.Tags.Stage), Is.EqualTo("scheduler"));
            }
        }

        Assert.That(Activity.Current, Is.SameAs(discovering), "the consumer's span is current again");
    }

    [Test]
    public void A_blank_or_health_scrape_path_is_refused_at_start_up()
    {
        var validator = new TelemetryOptionsValidator();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(validator.Validate(null, new TelemetryOptions()).Succeeded, Is.True);
            Assert.That(validator.Validate(null, new TelemetryOptions { PrometheusPath = "metrics" }).Failed, Is.True);
            Assert.That(validator.Validate(null, new TelemetryOptions { PrometheusPath = "/health/metrics" }).Failed, Is.True);
            Assert.That(validator.Validate(null, new TelemetryOptions { Prometheus = false, PrometheusPath = "" }).Succeeded, Is.True);
            Assert.That(validator.Validate(null, new TelemetryOptions { ServiceName = " " }).Failed, Is.True);
        }
    }

    [Test]
    [NonParallelizable]
    public async Task A_service_serves_its_metrics_for_prometheus_on_the_health_port_under_its_own_name()
    {
        var directory = Directory.CreateTempSubdirectory("wtw-metrics-").FullName;
        var port = Loopback.FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:SqlitePath"] = Path.Combine(directory, "pipeline.db"),
            ["Health:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        PipelineHost.AddPipeline(builder.Services, builder.Configuration, new EmptyModule("metered"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            PipelineTelemetry.PagesFetched.Add(1, new KeyValuePair<string, object?>(PipelineTelemetry.Labels.Host, "metrics-test.example"));
            using var http = new HttpClient();
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(text, Does.Contain("service_name=\"wtw-metered\""), "target_info names the service");
                Assert.That(text, Does.Match("wtw_fetcher_pages_fetched_total\\{[^}]*host=\"metrics-test.example\"[^}]*\\} [1-9]"));
                Assert.That(text, Does.Match("wtw_process_memory_rss_bytes\\{[^}]*\\} [1-9]"));
            }
        }
        finally
        {
            await host.StopAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
