namespace WildlifeWatch.Deploy.Tests;

/// <summary>
/// The services' Dockerfiles, read as text (no Docker engine is needed to check them): the fetcher's own (Debian with
/// Chromium) and one shared by every other service, which compose builds with the service's project as an argument.
/// </summary>
public sealed class DockerfileTests
{
    private static IEnumerable<string> Stages => Configuration.Stages;

    private static Dictionary<string, object?> ComposeServices =>
        Manifests.Load(Path.Combine(Manifests.Deploy, "compose", "compose.yaml")).Single().Map("services");

    [TestCaseSource(nameof(Stages))]
    public void Each_service_image_is_multi_stage_non_root_labelled_and_runs_the_services_own_project(string stage)
    {
        var project = Configuration.StageAssemblies[stage].GetName().Name!;
        var build = ComposeServices.Map(stage).Map("build");
        var path = Path.Combine(Manifests.Root, build.Text("dockerfile")!);
        Assert.That(File.Exists(path), Is.True, path);
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var user = lines.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        var text = File.ReadAllText(path);
        var entrypoint = lines.Last(l => l.Length > 0 && !l.StartsWith('#'));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stages, Has.Count.GreaterThanOrEqualTo(2), "multi-stage: the SDK never ships");
            Assert.That(stages[0], Does.Contain("dotnet/sdk").And.Contain(" AS build"));
            Assert.That(text, Does.Contain("COPY --from=build"));
            Assert.That(user, Is.Not.Null.And.Not.EqualTo("USER root").And.Not.EqualTo("USER 0"), "runs as an unprivileged user");
            Assert.That(lines.IndexOf(user!), Is.GreaterThan(lines.FindLastIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal))), "USER after the last RUN");
            Assert.That(text, Does.Contain("org.opencontainers.image.title").And.Contain("org.opencontainers.image.version").And.Contain("org.opencontainers.image.revision"));
            Assert.That(entrypoint, Does.StartWith("ENTRYPOINT"));
            if (build.Text("args", "SERVICE") is { } service)
            {
                // The shared Dockerfile: the project arrives as an argument and names what is built and run.
                Assert.That(service, Is.EqualTo(project));
                Assert.That(build.Text("args", "STAGE"), Is.EqualTo(stage));
                Assert.That(text, Does.Contain("dotnet publish \"services/$SERVICE/$SERVICE.csproj\""));
                Assert.That(text, Does.Contain("WTW_SERVICE=${SERVICE}"));
                Assert.That(entrypoint, Does.Contain("exec dotnet \\\"$WTW_SERVICE.dll\\\""), "exec: the service gets SIGTERM itself");
            }
            else
            {
                Assert.That(text, Does.Contain($"{project}.csproj"));
                Assert.That(entrypoint, Does.Contain(project));
            }
        }
    }

    [Test]
    public void Only_the_fetcher_keeps_a_dockerfile_of_its_own()
    {
        var own = Directory.GetFiles(Path.Combine(Manifests.Root, "services"), "Dockerfile", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f)!));

        Assert.That(own, Is.EquivalentTo(new[] { "WildlifeWatch.Fetcher" }), "every other service builds from deploy/docker/Dockerfile");
    }

    [Test]
    public void The_fetcher_image_carries_debians_chromium_and_tells_playwright_where_it_is()
    {
        var text = File.ReadAllText(Path.Combine(Manifests.Root, "services", "WildlifeWatch.Fetcher", "Dockerfile"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Match(@"FROM debian:\S+ AS runtime"));
            Assert.That(text, Does.Match(@"apt-get install[^\n]*\bchromium\b"));
            Assert.That(text, Does.Contain("PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium"));
        }
    }

    [Test]
    public void The_build_context_leaves_out_build_output_and_local_state()
    {
        var ignored = File.ReadAllLines(Path.Combine(Manifests.Root, ".dockerignore")).Select(l => l.Trim()).ToList();

        Assert.That(ignored, Is.SupersetOf(new[] { "**/bin/", "**/obj/", "**/var/", ".git/" }));
    }
}
