using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// The settings and model a model verb works with: Classifier:* and Alerts:Threshold from the environment, and the model
/// named by <c>--model</c> (a model file, or a registered version loaded from the store) or else the one the classifier
/// service would run (the published live model, else the model file, trained from the corpus when missing).
/// </summary>
internal static class ModelAccess
{
    public static IConfiguration Configuration { get; } = new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static ClassifierOptions ClassifierOptions(CommandLine line)
    {
        var options = Configuration.GetSection(Classifier.ClassifierOptions.Section).Get<ClassifierOptions>() ?? new ClassifierOptions();
        if (line.String("models") is { } directory)
        {
            options.ModelDirectory = directory;
        }

        return options;
    }

    /// <summary>The live alert threshold: --threshold, else Alerts:Threshold, else 0.5.</summary>
    public static double Threshold(CommandLine line) =>
        line.Double("threshold", 0, 1) ?? Configuration.GetValue<double?>("Alerts:Threshold") ?? ModelEvaluation.Cut;

    public static ModelRegistry Registry(StoreAccess access, CommandLine line) =>
        new(access.Store, LexiconMatcher.LoadDefault(), ClassifierOptions(line).ModelDirectory, TimeProvider.System);

    public static async Task<ModelLease> LoadAsync(CommandLine line, CancellationToken ct)
    {
        var requested = line.String("model");
        if (requested is not null && File.Exists(requested))
        {
            var model = ListingModel.Load(requested, LexiconMatcher.LoadDefault());
            return new ModelLease(model, model);
        }

        if (requested is not null)
        {
            await using var access = await StoreAccess.OpenAsync(line, ct);
            try
            {
                var model = await Registry(access, line).LoadAsync(requested, ct);
                return new ModelLease(model, model);
            }
            catch (InvalidOperationException e)
            {
                throw new UsageException($"--model {requested}: no such file, and {e.Message}");
            }
        }

        await using var store = await StoreAccess.TryOpenAsync(line, ct);
        var provider = new ModelProvider(Options.Create(ClassifierOptions(line)), LexiconMatcher.LoadDefault(), store?.Store, NullLogger<ModelProvider>.Instance);
        try
        {
            return new ModelLease(await provider.GetAsync(ct), provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }
}

/// <summary>A model and what owns it (itself, or the provider that loaded it): disposing the lease releases both.</summary>
internal sealed class ModelLease(ListingModel model, IDisposable owner) : IDisposable
{
    public ListingModel Model { get; } = model;

    public void Dispose() => owner.Dispose();
}
