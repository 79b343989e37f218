using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;

// pipeline: the embedded pipeline and the operators' and investigators' tools.
var verbs = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
{
    ["run"] = RunCommand.Options,
    ["demo"] = DemoCommand.Options,
    ["verify"] = VerifyCommand.Options,
    ["errors"] = ErrorsCommand.Options,
    ["status"] = StatusCommand.Options,
    ["purge"] = PurgeCommand.Options,
    ["show"] = ShowCommand.Options,
    ["export"] = ExportCommand.Options,
    ["verify-package"] = ExportCommand.VerifyOptions,
    [AlertsCommand.SubscribeVerb] = AlertsCommand.Options,
    [AlertsCommand.DigestVerb] = AlertsCommand.DigestOptions,
    ["removals"] = RemovalsCommand.Options,
    ["takedown"] = TakedownCommand.Options,
    [ProvenanceCommand.DeclareVerb] = ProvenanceCommand.DeclareOptions,
    [ProvenanceCommand.ListVerb] = ProvenanceCommand.ListOptions,
    ["classify"] = ClassifyCommand.Options,
    ["train"] = TrainCommand.Options,
    ["evaluate"] = EvaluateCommand.Options,
    ["publish"] = PublishCommand.Options,
    ["label-queue"] = LabelQueueCommand.Options,
    ["export-training"] = ExportTrainingCommand.Options,
    [PortalCredentialsCommand.HashPasswordVerb] = PortalCredentialsCommand.Options,
    [PortalCredentialsCommand.ApiKeyVerb] = PortalCredentialsCommand.Options,
};

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var line = CommandLine.Parse(PublishCommand.WithVersionOption(ProvenanceCommand.Normalize(AlertsCommand.Normalize(args))), verbs);
    return line.Verb switch
    {
        "run" => await RunCommand.ExecuteAsync(line, cancel.Token),
        "demo" => await DemoCommand.ExecuteAsync(line, cancel.Token),
        "verify" => await VerifyCommand.ExecuteAsync(line, cancel.Token),
        "errors" => await ErrorsCommand.ExecuteAsync(line, cancel.Token),
        "status" => await StatusCommand.ExecuteAsync(line, cancel.Token),
        "purge" => await PurgeCommand.ExecuteAsync(line, cancel.Token),
        "show" => await ShowCommand.ExecuteAsync(line, cancel.Token),
        "export" => await ExportCommand.ExecuteAsync(line, cancel.Token),
        "verify-package" => ExportCommand.Verify(line),
        AlertsCommand.SubscribeVerb => await AlertsCommand.SubscribeAsync(line, cancel.Token),
        AlertsCommand.DigestVerb => await AlertsCommand.DigestAsync(line, cancel.Token),
        "removals" => await RemovalsCommand.ExecuteAsync(line, cancel.Token),
        "takedown" => await TakedownCommand.ExecuteAsync(line, cancel.Token),
        ProvenanceCommand.DeclareVerb => await ProvenanceCommand.DeclareAsync(line, cancel.Token),
        ProvenanceCommand.ListVerb => await ProvenanceCommand.ListAsync(line, cancel.Token),
        "classify" => await ClassifyCommand.ExecuteAsync(line, cancel.Token),
        "train" => await TrainCommand.ExecuteAsync(line, cancel.Token),
        "evaluate" => await EvaluateCommand.ExecuteAsync(line, cancel.Token),
        "publish" => await PublishCommand.ExecuteAsync(line, cancel.Token),
        "label-queue" => await LabelQueueCommand.ExecuteAsync(line, cancel.Token),
        "export-training" => await ExportTrainingCommand.ExecuteAsync(line, cancel.Token),
        PortalCredentialsCommand.HashPasswordVerb => PortalCredentialsCommand.HashPassword(Console.In, Console.Out),
        PortalCredentialsCommand.ApiKeyVerb => PortalCredentialsCommand.NewApiKey(Console.Out),
        _ => Help.Print(),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"pipeline: {e.Message}");
    await Console.Error.WriteLineAsync("Run 'pipeline help' for usage.");
    return ExitCodes.Usage;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("pipeline: cancelled.");
    return ExitCodes.Cancelled;
}
