namespace WildlifeWatch.Deploy.Tests;

/// <summary>deploy/k8s: a Deployment per stage that a kubelet can probe, that has resources, and that scales on its real queues.</summary>
public sealed class KubernetesManifestTests
{
    private static IEnumerable<string> Stages => Configuration.Stages;

    [TestCaseSource(nameof(Stages))]
    public void Each_stage_has_a_deployment_with_resources_and_probes_on_the_health_port(string stage)
    {
        var deployment = Single("base", "Deployment", $"wtw-{stage}");
        var container = deployment.List("spec", "template", "spec", "containers").Single();
        var healthPort = SharedConfig()["Health__Port"] as string;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(healthPort, Is.EqualTo("8080"), "Health__Port in wtw-config");
            Assert.That(SharedConfig()["Health__BindAddress"], Is.EqualTo("0.0.0.0"), "a kubelet probes from outside the pod");
            Assert.That(container.Text("livenessProbe", "httpGet", "path"), Is.EqualTo("/health/live"));
            Assert.That(container.Text("livenessProbe", "httpGet", "port"), Is.EqualTo(healthPort));
            Assert.That(container.Text("readinessProbe", "httpGet", "path"), Is.EqualTo("/health/ready"));
            Assert.That(container.Text("readinessProbe", "httpGet", "port"), Is.EqualTo(healthPort));
            foreach (var bound in new[] { "requests", "limits" })
            {
                Assert.That(container.Text("resources", bound, "cpu"), Is.Not.Null.And.Not.Empty, $"{bound} cpu");
                Assert.That(container.Text("resources", bound, "memory"), Is.Not.Null.And.Not.Empty, $"{bound} memory");
            }

            Assert.That(container.Text("image"), Does.StartWith($"wildlife-watch/{stage}:"), "the image built from the stage's Dockerfile");
            Assert.That(deployment.Text("spec", "template", "spec", "securityContext", "runAsNonRoot"), Is.EqualTo("true"));
            Assert.That(container.List("envFrom").Select(e => e.Text("configMapRef", "name") ?? e.Text("secretRef", "name")), Is.EquivalentTo(new[] { "wtw-config", "wtw-secrets" }));
            Assert.That(deployment.At("spec", "replicas"), Is.Null, "the autoscaler owns the replica count");
        }
    }

    [TestCaseSource(nameof(Stages))]
    public void Each_stage_has_a_disruption_budget_that_selects_its_pods(string stage)
    {
        var deployment = Single("base", "Deployment", $"wtw-{stage}");
        var budget = Single("base", "PodDisruptionBudget", $"wtw-{stage}");

        Assert.That(budget.Map("spec", "selector", "matchLabels"), Is.Not.Empty.And.SubsetOf(deployment.Map("spec", "template", "metadata", "labels")));
    }

    [TestCaseSource(nameof(Stages))]
    public void Each_stage_scales_with_keda_on_exactly_the_queues_it_consumes(string stage)
    {
        var scaled = Single(Path.Combine("k8s", "overlays", "keda"), "ScaledObject", $"wtw-{stage}", relative: true);
        var triggers = scaled.List("spec", "triggers");
        var expected = Configuration.QueuesOf(stage);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected, Is.Not.Empty, $"QueueNames has queues of the {stage}");
            Assert.That(scaled.Text("spec", "scaleTargetRef", "name"), Is.EqualTo($"wtw-{stage}"));
            Assert.That(triggers.Select(t => t.Text("type")), Is.All.EqualTo("rabbitmq"));
            Assert.That(triggers.Select(t => t.Text("metadata", "queueName")), Is.EquivalentTo(expected));
            Assert.That(triggers.Select(t => t.Text("authenticationRef", "name")), Is.All.EqualTo("wtw-rabbitmq"));
            Assert.That(int.Parse(scaled.Text("spec", "minReplicaCount")!, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(1), "a stage is never scaled away");
        }
    }

    [Test]
    public void Keda_authenticates_with_the_broker_address_the_services_use()
    {
        var auth = Manifests.OfKind(Path.Combine("k8s", "overlays", "keda"), "TriggerAuthentication").Single();
        var reference = auth.List("spec", "secretTargetRef").Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Text("name"), Is.EqualTo("wtw-secrets"));
            Assert.That(reference.Text("key"), Is.EqualTo("RABBITMQ_URI"));
            Assert.That(Secret("wtw-secrets").ContainsKey("RABBITMQ_URI"), Is.True);
        }
    }

    [TestCaseSource(nameof(Stages))]
    public void Each_stage_has_a_cpu_autoscaler_in_the_fallback_overlay(string stage)
    {
        var hpa = Single(Path.Combine("k8s", "overlays", "hpa"), "HorizontalPodAutoscaler", $"wtw-{stage}", relative: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hpa.Text("spec", "scaleTargetRef", "kind"), Is.EqualTo("Deployment"));
            Assert.That(hpa.Text("spec", "scaleTargetRef", "name"), Is.EqualTo($"wtw-{stage}"));
            Assert.That(hpa.List("spec", "metrics").Select(m => m.Text("resource", "name")), Does.Contain("cpu"));
        }
    }

    [Test]
    public void Environment_variables_of_the_deployments_config_and_secrets_are_real_configuration_keys()
    {
        var variables = Manifests.OfKind(Path.Combine("k8s", "base"), "Deployment")
            .Where(d => d.Text("metadata", "name")!.StartsWith("wtw-", StringComparison.Ordinal) && Configuration.Stages.Contains(d.Text("metadata", "name")![4..]))
            .SelectMany(d => d.List("spec", "template", "spec", "containers").SelectMany(c => c.List("env")).Select(e => e.Text("name")!))
            .Concat(SharedConfig().Keys)
            .Concat(Secret("wtw-secrets").Keys)
            .Distinct()
            .ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Configuration.Keys, Does.Contain("Fetcher__MaxConcurrentPages").And.Contain("Bus__Transport").And.Contain("Health__Port"), "options found by reflection");
            Assert.That(variables, Has.Count.GreaterThan(5));
            Assert.That(variables.Where(v => !Configuration.IsKnown(v)), Is.Empty, "variables that no service reads");
        }
    }

    [Test]
    public void Each_kustomization_lists_existing_files_and_every_manifest_of_its_folder()
    {
        foreach (var kustomization in Directory.EnumerateFiles(Path.Combine(Manifests.Deploy, "k8s"), "kustomization.yaml", SearchOption.AllDirectories))
        {
            var folder = Path.GetDirectoryName(kustomization)!;
            var resources = Manifests.Load(kustomization).Single().List("resources").Cast<string>().ToList();
            var files = resources.Where(r => r.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
            var manifests = Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(resources.Where(r => !File.Exists(Path.Combine(folder, r)) && !Directory.Exists(Path.Combine(folder, r))), Is.Empty, $"{kustomization}: missing resources");
                Assert.That(files, Is.EquivalentTo(manifests), $"{kustomization}: every manifest of the folder, once");
            }
        }
    }

    [Test]
    public void Broker_and_database_are_stateful_sets_with_the_services_the_addresses_name()
    {
        var statefulSets = Manifests.OfKind(Path.Combine("k8s", "base"), "StatefulSet").Select(s => s.Text("metadata", "name")).ToList();
        var services = Manifests.OfKind(Path.Combine("k8s", "base"), "Service").Select(s => s.Text("metadata", "name")).ToList();
        var secret = Secret("wtw-secrets");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statefulSets, Is.SupersetOf(new[] { "wtw-rabbitmq", "wtw-mongodb" }));
            Assert.That(services, Is.SupersetOf(new[] { "wtw-rabbitmq", "wtw-mongodb" }));
            Assert.That(new Uri((string)secret["RABBITMQ_URI"]!).Host, Is.EqualTo("wtw-rabbitmq"));
            Assert.That(new Uri((string)secret["MONGODB_URI"]!).Host, Is.EqualTo("wtw-mongodb"));
        }
    }

    private static Dictionary<string, object?> Single(string folder, string kind, string name, bool relative = false)
    {
        var matches = Manifests.OfKind(relative ? folder : Path.Combine("k8s", folder), kind).Where(d => d.Text("metadata", "name") == name).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"one {kind} {name} in deploy/k8s/{folder}");
        return matches[0];
    }

    private static Dictionary<string, object?> SharedConfig() =>
        Single("base", "ConfigMap", "wtw-config").Map("data");

    private static Dictionary<string, object?> Secret(string name) =>
        Single("base", "Secret", name).Map("stringData");
}
