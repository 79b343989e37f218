namespace WildlifeWatch.Deploy.Tests;

/// <summary>One Dockerfile per service, read as text (no Docker engine is needed to check them).</summary>
public sealed class DockerfileTests
{
    private static IEnumerable<string> Stages => Configuration.Stages;

    [TestCaseSource(nameof(Stages))]
    public void Each_service_has_a_multi_stage_non_root_labelled_dockerfile(string stage)
    {
        var project = Configuration.StageAssemblies[stage].GetName().Name!;
        var path = Path.Combine(Manifests.Root, "services", project, "Dockerfile");
        Assert.That(File.Exists(path), Is.True, path);
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var user = lines.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        var text = File.ReadAllText(path);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stages, Has.Count.GreaterThanOrEqualTo(2), "multi-stage: the SDK never ships");
            Assert.That(stages[0], Does.Contain("dotnet/sdk").And.Contain(" AS build"));
            Assert.That(text, Does.Contain("COPY --from=build"));
            Assert.That(user, Is.Not.Null.And.Not.EqualTo("USER root").And.Not.EqualTo("USER 0"), "runs as an unprivileged user");
            Assert.That(lines.IndexOf(user!), Is.GreaterThan(lines.FindLastIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal))), "USER after the last RUN");
            Assert.That(text, Does.Contain("org.opencontainers.image.title").And.Contain("org.opencontainers.image.version").And.Contain("org.opencontainers.image.revision"));
            Assert.That(text, Does.Contain($"{project}.csproj"));
            Assert.That(lines.Last(l => l.Length > 0 && !l.StartsWith('#')), Does.StartWith("ENTRYPOINT").And.Contain(project));
        }
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
