using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using WildlifeWatch.Hosting;

namespace WildlifeWatch.Deploy.Tests;

/// <summary>The provisioned Grafana dashboard queries only series that exist: the pipeline's metrics or the broker's.</summary>
public sealed partial class DashboardTests
{
    private static readonly string DashboardFile = Path.Combine(Manifests.Deploy, "compose", "grafana", "dashboards", "pipeline.json");

    [Test]
    public void Dashboard_queries_only_metrics_the_pipeline_exports()
    {
        var exported = ExportedSeries();
        var used = Expressions().SelectMany(e => PipelineMetric().Matches(e).Select(m => m.Value)).Distinct().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exported, Does.Contain("wtw_fetcher_pages_failed_total").And.Contain("wtw_fetcher_fetch_duration_seconds_bucket"), "names derived from the instruments");
            Assert.That(used, Is.Not.Empty);
            Assert.That(used.Where(u => !exported.Contains(u)), Is.Empty, "queried series that no instrument exports");
        }
    }

    [Test]
    public void Dashboard_shows_throughput_backlog_per_queue_fetch_errors_by_reason_and_alerts_by_species()
    {
        var expressions = Expressions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expressions, Has.Some.Contains("wtw_stage_messages_total"), "throughput");
            Assert.That(expressions, Has.Some.Match(@"rabbitmq_queue_messages_ready.*by \(queue\)|by \(queue\).*rabbitmq_queue_messages_ready"), "backlog per queue");
            Assert.That(expressions, Has.Some.Match(@"by \(reason\).*wtw_fetcher_pages_failed_total"), "fetch errors by reason");
            Assert.That(expressions, Has.Some.Match(@"by \(species_group\).*wtw_alerts_raised_total"), "alerts by species");
        }
    }

    [Test]
    public void Grafana_provisions_the_dashboard_folder_and_the_prometheus_datasource_it_uses()
    {
        var provider = Manifests.Load(Path.Combine(Manifests.Deploy, "compose", "grafana", "provisioning", "dashboards", "dashboards.yaml")).Single().List("providers").Single();
        var datasources = Manifests.Load(Path.Combine(Manifests.Deploy, "compose", "grafana", "provisioning", "datasources", "datasources.yaml")).Single().List("datasources");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        var uids = dashboard.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("datasource").GetProperty("uid").GetString()).Distinct();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.Text("options", "path"), Is.EqualTo("/var/lib/grafana/dashboards"));
            Assert.That(uids, Is.SubsetOf(datasources.Select(d => d.Text("uid"))));
        }
    }

    /// <summary>Prometheus names of every instrument of <see cref="PipelineTelemetry"/>, as its exporter writes them.</summary>
    private static HashSet<string> ExportedSeries()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in typeof(PipelineTelemetry).GetProperties(BindingFlags.Public | BindingFlags.Static))
        {
            if (property.GetValue(null) is not Instrument instrument)
            {
                continue;
            }

            var name = instrument.Name.Replace('.', '_') + instrument.Unit switch
            {
                "s" => "_seconds",
                "By" => "_bytes",
                _ => string.Empty,
            };
            var type = instrument.GetType().Name;
            if (type.StartsWith("Counter", StringComparison.Ordinal))
            {
                names.Add(name + "_total");
            }
            else if (type.StartsWith("Histogram", StringComparison.Ordinal))
            {
                names.UnionWith(new[] { "_bucket", "_sum", "_count" }.Select(suffix => name + suffix));
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static List<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    [GeneratedRegex(@"\bwtw_[a-z_]+")]
    private static partial Regex PipelineMetric();
}
