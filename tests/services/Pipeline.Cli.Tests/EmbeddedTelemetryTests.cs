using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using WildlifeWatch.Alerts;
using WildlifeWatch.Classifier;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.Extractor;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler;
using WildlifeWatch.Scheduler.Seeds;
using WildlifeWatch.Store;
using Tags = WildlifeWatch.Hosting.PipelineTelemetry.Tags;

namespace WildlifeWatch.Cli.Tests;

/// <summary>
/// A small crawl of the demo marketplace with the five stages in one process (as <c>pipeline run</c> hosts them), an
/// in-process span exporter and the Prometheus endpoint on loopback: what an operator's collector and scraper would see.
/// </summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class EmbeddedTelemetryTests
{
    private const string CrawlId = "telemetry-crawl";
    private const int Listings = 3;

    private readonly List<Activity> _spans = [];
    private string _directory = null!;
    private string _metrics = string.Empty;
    private string _demoHost = string.Empty;
    private IReadOnlyList<Listing> _listings = [];

    [OneTimeSetUp]
    public async Task CrawlAFewListingPages()
    {
        _directory = Directory.CreateTempSubdirectory("wtw-telemetry-").FullName;
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = 0 });
        _demoHost = demo.BaseUrl.Host;
        var startUrls = demo.GroundTruth.Where(g => g.IsWildlife).Take(Listings).Select(g => new Uri(demo.BaseUrl, g.Path).AbsoluteUri).ToList();
        // A page that does not exist: a failed fetch with a reason for the failure counter.
        startUrls.Add(new Uri(demo.BaseUrl, "item/no-such-listing").AbsoluteUri);

        var metricsPort = FreePort();
        var builder = PipelineHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Bus:RedeliveryIntervals"] = "00:00:02",
            ["Store:SqlitePath"] = Path.Combine(_directory, "pipeline.db"),
            ["Classifier:ModelPath"] = Path.Combine(_directory, "model.zip"),
            ["Fetcher:PerHostMinDelayMs"] = "0",
            ["Fetcher:MaxAttempts"] = "1",
            // The demo is ours and on loopback, which the SSRF guard refuses unless allowed.
            ["Fetcher:AllowedPrivateNetworks"] = "127.0.0.0/8",
            // Every scored listing raises an alert, so the alert counter has something to count.
            ["Alerts:Threshold"] = "0",
            ["Health:Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        }, new SchedulerModule(), new FetcherModule(), new ExtractorModule(), new ClassifierModule(), new AlertsModule());
        builder.Services.AddSingleton(new CrawlRequest(CrawlId, new SeedSet
        {
            Seeds = [new Seed { Id = "telemetry", StartUrls = startUrls, MaxDepth = 0 }],
        }));
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));

        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IPipelineStore>();
            var outcome = await new CrawlMonitor(store, CrawlId, TextWriter.Null).WaitUntilDoneAsync(TimeSpan.FromMinutes(4), CancellationToken.None);
            Assert.That(outcome, Is.EqualTo(CrawlOutcome.Finished), "the small crawl must finish");
            _listings = (await store.GetScoredListingsAsync(CrawlId)).Select(l => l.Listing).ToList();

            using var http = new HttpClient();
            // The exporter puts the meter name first on every series; the assertions care about the pipeline's own labels.
            _metrics = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"))).Replace($"otel_scope_name=\"{PipelineTelemetry.Name}\",", "", StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [OneTimeTearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Each_listing_has_one_trace_through_all_five_stages_with_crawl_host_and_model_version()
    {
        Assert.That(_listings, Has.Count.EqualTo(Listings), "every start URL but the missing page is a listing");
        foreach (var listing in _listings)
        {
            var traceIds = _spans.Where(s => Equals(s.GetTagItem(Tags.ListingId), listing.Id)).Select(s => s.TraceId).Distinct().ToList();
            Assert.That(traceIds, Has.Count.EqualTo(1), $"listing {listing.Id} is followed by exactly one trace");
            var trace = _spans.Where(s => s.TraceId == traceIds[0]).ToList();
            var stageSpans = trace.Where(s => s.GetTagItem(Tags.Stage) is string).ToList();

            using (Assert.EnterMultipleScope())
            {
                Assert.That(stageSpans.Select(s => (string)s.GetTagItem(Tags.Stage)!).Distinct(), Is.EquivalentTo(PipelineTelemetry.Stages), $"stages in the trace of {listing.Url}");
                Assert.That(trace.Count(s => s.ParentSpanId == default), Is.EqualTo(1), "one root: the scheduler's request to fetch the page");
                Assert.That(trace.Single(s => s.ParentSpanId == default).GetTagItem(Tags.Stage), Is.EqualTo("scheduler"));
                Assert.That(stageSpans.Select(s => s.GetTagItem(Tags.CrawlId)), Is.All.EqualTo(CrawlId), "crawl id on every stage span");
                Assert.That(stageSpans.Select(s => s.GetTagItem(Tags.UrlHost)), Is.All.EqualTo(_demoHost), "URL host on every stage span");
                Assert.That(trace.Where(s => s.OperationName == "model.score").Select(s => s.GetTagItem(Tags.ModelVersion)), Has.One.InstanceOf<string>().And.One.Not.Empty, "model version on the scoring span");
                Assert.That(stageSpans.Where(s => Equals(s.GetTagItem(Tags.Stage), "alerts")).Select(s => s.GetTagItem(Tags.ModelVersion)), Is.Not.Empty.And.All.InstanceOf<string>());
                Assert.That(trace.Count(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer), Is.GreaterThanOrEqualTo(4), "the trace crossed the bus at each hop");
                Assert.That(trace.Select(s => s.OperationName), Is.SupersetOf(new[] { "browser.navigate", "browser.screenshot", "lexicon.scan", "model.score", "store.write capture", "store.write listing", "store.write score" }));
            }
        }
    }

    [Test]
    public void The_metrics_endpoint_serves_the_named_metrics_with_their_labels()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_metrics, Does.Contain($"wtw_fetcher_pages_fetched_total{{host=\"{_demoHost}\""));
            Assert.That(_metrics, Does.Match($"wtw_fetcher_pages_failed_total\\{{host=\"{Regex(_demoHost)}\",reason=\"http_404\""));
            Assert.That(_metrics, Does.Contain("wtw_fetcher_fetch_duration_seconds_bucket{"));
            Assert.That(_metrics, Does.Contain("wtw_fetcher_browser_contexts"));
            Assert.That(_metrics, Does.Contain("wtw_extractor_extraction_duration_seconds_bucket{"));
            Assert.That(_metrics, Does.Contain("wtw_classifier_scoring_duration_seconds_bucket{model_version=\""));
            Assert.That(_metrics, Does.Contain("wtw_classifier_score_bucket{model_version=\""));
            Assert.That(_metrics, Does.Contain("wtw_alerts_raised_total{"));
            Assert.That(_metrics, Does.Contain("wtw_process_memory_rss_bytes"));
            foreach (var stage in PipelineTelemetry.Stages)
            {
                Assert.That(_metrics, Does.Match($"wtw_stage_messages_total\\{{message=\"\\w+\",outcome=\"ok\",stage=\"{stage}\"\\}} [1-9]"), stage);
            }
        }
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
