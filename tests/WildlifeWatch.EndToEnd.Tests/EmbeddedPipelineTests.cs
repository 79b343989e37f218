using Microsoft.Data.Sqlite;
using WildlifeWatch.DemoMarketplace;
using WildlifeWatch.EndToEnd.Tests.Infrastructure;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.EndToEnd.Tests;

/// <summary><c>pipeline run</c> exactly as a user starts it: one process, in-memory bus, SQLite, the demo marketplace.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class EmbeddedPipelineTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("wtw-e2e-embedded-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Pipeline_run_captures_scores_and_alerts_the_whole_demo_marketplace()
    {
        var db = Path.Combine(_directory, "pipeline.db");
        using var cli = ChildProcess.StartDotnet("pipeline run", Repository.ServiceDll("Pipeline.Cli", "pipeline"),
            ["run", "--db", db, "--crawl-id", "e2e-embedded", "--timeout", "20"],
            new Dictionary<string, string> { ["Classifier__ModelPath"] = Path.Combine(_directory, "model.zip") },
            _directory);

        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromMinutes(22));

        TestContext.Out.WriteLine(cli.Tail(40));
        Assert.That(exitCode, Is.Zero, cli.Tail(60));
        Assert.That(cli.Output, Does.Contain("Alerts raised").And.Contain("Pages captured"), "closing summary table");
        using var store = new SqlitePipelineStore(db);
        await CrawlAssertions.AssertCompleteAndAccurateAsync(store, "e2e-embedded", GroundTruth.Load());
    }
}
