namespace WildlifeWatch.Deploy.Tests;

/// <summary>deploy/compose: every stage, the broker, the database and the observability stack, configured with real keys.</summary>
public sealed class ComposeTests
{
    private static readonly string ComposeFile = Path.Combine(Manifests.Deploy, "compose", "compose.yaml");

    private static Dictionary<string, object?> Services => Manifests.Load(ComposeFile).Single().Map("services");

    [Test]
    public void Compose_names_every_stage_the_broker_the_database_and_the_observability_stack() =>
        Assert.That(Services.Keys, Is.SupersetOf(Configuration.Stages.Concat(["rabbitmq", "mongodb", "otel-collector", "jaeger", "prometheus", "grafana"])));

    [TestCaseSource(typeof(Configuration), nameof(Configuration.Stages))]
    public void Each_stage_builds_its_own_image_and_runs_on_rabbitmq_and_mongodb(string stage)
    {
        var service = Services.Map(stage);
        var environment = service.Map("environment");
        var dockerfile = service.Text("build", "dockerfile")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(service.Text("image"), Does.StartWith($"wildlife-watch/{stage}:"));
            Assert.That(File.Exists(Path.Combine(Manifests.Root, dockerfile)), Is.True, $"{dockerfile} exists");
            Assert.That(service.Text("build", "args", "SERVICE") ?? dockerfile, Does.Contain(Configuration.StageAssemblies[stage].GetName().Name!), "the stage's own project");
            Assert.That(environment["Bus__Transport"], Is.EqualTo("RabbitMq"));
            Assert.That(new Uri(environment["RABBITMQ_URI"] as string ?? "x:").Host, Is.EqualTo("rabbitmq"));
            Assert.That(environment["Store__Provider"], Is.EqualTo("MongoDb"));
            Assert.That(new Uri(environment["MONGODB_URI"] as string ?? "x:").Host, Is.EqualTo("mongodb"));
            Assert.That(environment["Health__BindAddress"], Is.EqualTo("0.0.0.0"), "Prometheus scrapes from another container");
            Assert.That(new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] as string ?? "x:").Host, Is.EqualTo("otel-collector"));
            Assert.That(environment.Keys.Where(k => !Configuration.IsKnown(k)), Is.Empty, "variables that no service reads");
        }
    }

    [Test]
    public void Prometheus_scrapes_every_stage_on_its_health_port_and_the_brokers_queues()
    {
        var config = Manifests.Load(Path.Combine(Manifests.Deploy, "compose", "prometheus", "prometheus.yml")).Single();
        var targets = config.List("scrape_configs").SelectMany(j => j.List("static_configs").SelectMany(s => s.List("targets"))).Cast<string>().ToList();
        var ports = Configuration.Stages.Select(s => Services.Map(s).Map("environment")["Health__Port"] as string).Distinct().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ports, Has.Count.EqualTo(1));
            Assert.That(targets, Is.SupersetOf(Configuration.Stages.Select(s => $"{s}:{ports[0]}")));
            Assert.That(config.List("scrape_configs").Select(j => j.Text("metrics_path")), Does.Contain("/metrics/per-object"), "per-queue depths from rabbitmq_prometheus");
        }
    }

    [Test]
    public void The_collector_sends_traces_to_jaeger()
    {
        var config = Manifests.Load(Path.Combine(Manifests.Deploy, "compose", "otel-collector", "config.yaml")).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.List("service", "pipelines", "traces", "exporters"), Does.Contain("otlp/jaeger"));
            Assert.That(config.Text("exporters", "otlp/jaeger", "endpoint"), Does.StartWith("jaeger:"));
            Assert.That(Services.Keys, Does.Contain("jaeger"));
        }
    }
}
