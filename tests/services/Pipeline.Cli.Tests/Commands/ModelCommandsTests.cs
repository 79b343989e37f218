using System.Text.Json;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;
using WildlifeWatch.Store.Sqlite;

namespace Pipeline.Cli.Tests.Commands;

/// <summary>The model verbs as an operator runs them: train, evaluate, publish, classify, against one SQLite store.</summary>
public sealed class ModelCommandsTests
{
    private static readonly Dictionary<string, IReadOnlySet<string>> Verbs = new(StringComparer.Ordinal)
    {
        ["train"] = TrainCommand.Options,
        ["evaluate"] = EvaluateCommand.Options,
        ["publish"] = PublishCommand.Options,
        ["classify"] = ClassifyCommand.Options,
    };

    private string _directory = null!;
    private TextWriter _out = null!;
    private TextWriter _error = null!;
    private StringWriter _console = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wtw-cli-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        (_out, _error, _console) = (Console.Out, Console.Error, new StringWriter());
        Console.SetOut(_console);
        Console.SetError(_console);
    }

    [TearDown]
    public void TearDown()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
        _console.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Train_registers_a_model_publish_makes_it_live_and_classify_and_evaluate_use_it()
    {
        var db = Path.Combine(_directory, "pipeline.db");
        var models = Path.Combine(_directory, "models");
        var reports = Path.Combine(_directory, "reports");

        Assert.That(await RunAsync("train", "--db", db, "--models", models, "--folds", "2", "--trainer", "lbfgs", "--report-dir", reports), Is.EqualTo(ExitCodes.Ok));
        string version;
        using (var store = new SqlitePipelineStore(db))
        {
            version = (await store.GetModelsAsync()).Single().Version;
        }

        Assert.That(await RunAsync("publish", version, "--db", db, "--models", models), Is.EqualTo(ExitCodes.Ok));
        var input = Path.Combine(_directory, "listings.jsonl");
        var output = Path.Combine(_directory, "scores.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            """{"id":"x1","title":"Dried pangolin scales 2kg lot","description":"for TCM, clean"}""",
            """{"id":"x2" "title":"missing comma"}""",
            """{"id":"x3","title":"Leopard print chiffon scarf","description":"polyester, 180cm"}""",
        ]);
        var classified = await RunAsync("classify", "--input", input, "--output", output, "--db", db, "--models", models);
        var lines = (await File.ReadAllLinesAsync(output)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var evaluated = await RunAsync("evaluate", "--model", version, "--data", Path.Combine(TestContext.CurrentContext.TestDirectory, "evaluation", "holdout.jsonl"),
            "--db", db, "--models", models, "--report-dir", Path.Combine(reports, "holdout"));

        var console = _console.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(reports, "pr-curve.png")) && File.Exists(Path.Combine(reports, "confusion-matrix.png")), Is.True);
            Assert.That(console, Does.Contain("ROC AUC").And.Contain("PR AUC").And.Contain($"Registered model {version}"));
            Assert.That(classified, Is.EqualTo(ExitCodes.Ok));
            Assert.That(lines.Select(l => l.GetProperty("id").GetString()), Is.EqualTo(new[] { "x1", "x3" }));
            Assert.That(lines.Select(l => l.GetProperty("modelVersion").GetString()), Is.All.EqualTo(version), "the published model scored them");
            Assert.That(lines.Select(l => l.GetProperty("alert").GetBoolean()), Is.EqualTo(new[] { true, false }));
            Assert.That(console, Does.Contain(":2: skipped"));
            Assert.That(evaluated, Is.EqualTo(ExitCodes.Ok));
            Assert.That(console, Does.Contain("quality en"));
            Assert.That(File.Exists(Path.Combine(reports, "holdout", "pr-curve.png")), Is.True);
        });
    }

    [Test]
    public void Publishing_an_unregistered_version_is_a_usage_error()
    {
        var db = Path.Combine(_directory, "pipeline.db");
        using (var store = new SqlitePipelineStore(db))
        {
            store.InitializeAsync().GetAwaiter().GetResult();
        }

        Assert.ThrowsAsync<UsageException>(() => RunAsync("publish", "m-000000000000", "--db", db));
    }

    [Test]
    public void The_version_of_publish_may_be_given_without_an_option()
    {
        Assert.That(PublishCommand.WithVersionOption(["publish", "m-1", "--shadow"]), Is.EqualTo(new[] { "publish", "--version", "m-1", "--shadow" }));
        Assert.That(PublishCommand.WithVersionOption(["classify", "--input", "x"]), Is.EqualTo(new[] { "classify", "--input", "x" }));
    }

    [Test]
    public void The_quality_gate_fails_a_language_whose_decoys_alert()
    {
        static ScoredExample Example(string language, bool label, double score, bool decoy = false) =>
            new(new LabeledListing(Guid.NewGuid().ToString("N"), language, "t", "", label, label ? "ivory" : "not-wildlife") { Decoy = decoy }, score);
        var report = EvaluationReport.Create(
        [
            Example("en", true, 0.9), Example("en", false, 0.1, decoy: true),
            Example("vi", true, 0.9), Example("vi", false, 0.8, decoy: true), Example("vi", false, 0.1, decoy: true),
        ]);

        var gate = EvaluateCommand.QualityGate(report);

        Assert.That(gate.Select(g => g.Passed), Is.EqualTo(new[] { true, false }));
    }

    private static async Task<int> RunAsync(params string[] args)
    {
        var line = CommandLine.Parse(PublishCommand.WithVersionOption(args), Verbs);
        return line.Verb switch
        {
            "train" => await TrainCommand.ExecuteAsync(line, CancellationToken.None),
            "evaluate" => await EvaluateCommand.ExecuteAsync(line, CancellationToken.None),
            "publish" => await PublishCommand.ExecuteAsync(line, CancellationToken.None),
            _ => await ClassifyCommand.ExecuteAsync(line, CancellationToken.None),
        };
    }
}
