using WildlifeWatch.EndToEnd.Tests.Infrastructure;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary>The command line refuses bad input with a reason and a non-zero exit.</summary>
public sealed class CliTests
{
    [TestCase(new[] { "crawl" }, 2, "Unknown command 'crawl'")]
    [TestCase(new[] { "run", "--concurrency", "0" }, 2, "--concurrency must be between 1 and 64")]
    [TestCase(new[] { "run", "--threshold", "abc" }, 2, "--threshold must be a number")]
    [TestCase(new[] { "run", "--bogus" }, 2, "'run' has no option --bogus")]
    [TestCase(new[] { "run", "--seeds", "no/such/seeds.yaml" }, 2, "no/such/seeds.yaml' does not exist")]
    [TestCase(new[] { "verify", "--db", "no/such.db" }, 2, "No store at 'no/such.db'")]
    public async Task Bad_input_is_refused_with_a_reason(string[] args, int expectedExit, string expectedMessage)
    {
        using var cli = ChildProcess.StartDotnet("pipeline", Repository.ServiceDll("Pipeline.Cli", "pipeline"), args, new Dictionary<string, string>(), Path.GetTempPath());

        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.That(exit, Is.EqualTo(expectedExit), cli.Output);
        Assert.That(cli.Output, Does.Contain(expectedMessage));
    }

    [Test]
    public async Task Run_without_a_browser_says_how_to_install_one()
    {
        var env = new Dictionary<string, string> { ["PLAYWRIGHT_CHROMIUM_EXECUTABLE"] = "/nonexistent/chromium", ["Fetcher__ExecutablePath"] = "/nonexistent/chromium" };
        using var cli = ChildProcess.StartDotnet("pipeline", Repository.ServiceDll("Pipeline.Cli", "pipeline"), ["run", "--db", Path.Combine(Path.GetTempPath(), "wtw-nobrowser.db")], env, Path.GetTempPath());

        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.That(exit, Is.EqualTo(3), cli.Output);
        Assert.That(cli.Output, Does.Contain("apt-get install chromium"));
    }
}
