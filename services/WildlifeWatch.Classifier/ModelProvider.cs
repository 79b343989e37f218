using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Classifier;

/// <summary>
/// Hands out the one listing model of the process. The first caller starts loading it (or training and saving it);
/// every caller awaits the same task, so no consumer ever sees a half-loaded model. A failed attempt is not cached:
/// the next caller tries again.
/// </summary>
public sealed partial class ModelProvider(IOptions<ClassifierOptions> options, ILexiconMatcher lexicon, ILogger<ModelProvider> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Task<ListingModel>? _model;

    public Task<ListingModel> GetAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_model is null || _model.IsFaulted || _model.IsCanceled)
            {
                // Training is CPU-bound for a few seconds: keep it off the caller's thread.
                _model = Task.Run(LoadOrTrain, CancellationToken.None);
            }

            return _model.WaitAsync(ct);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_model is { IsCompletedSuccessfully: true } done)
            {
                done.Result.Dispose();
            }
        }
    }

    private ListingModel LoadOrTrain()
    {
        var o = options.Value;
        var path = Path.GetFullPath(o.ModelPath);
        if (File.Exists(path))
        {
            try
            {
                var loaded = ListingModel.Load(path, lexicon);
                LogLoaded(path, loaded.Version);
                return loaded;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException)
            {
                LogUnreadable(e, path);
            }
        }

        var fromFile = !string.IsNullOrWhiteSpace(o.TrainingDataPath);
        var data = fromFile ? TrainingData.Load(o.TrainingDataPath!) : TrainingData.LoadDefault();
        var started = TimeProvider.System.GetTimestamp();
        var model = ListingModel.Train(data, lexicon);
        model.Save(path);
        LogTrained(data.Count, fromFile ? o.TrainingDataPath! : "the embedded corpus", model.Version, path,
            TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        return model;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded listing model {Version} from {Path}")]
    private partial void LogLoaded(string path, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model at {Path} could not be read; training a new one")]
    private partial void LogUnreadable(Exception error, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained listing model {Version} on {Count} listings from {Source} in {Seconds:F1}s and saved it to {Path}")]
    private partial void LogTrained(int count, string source, string version, string path, double seconds);
}
