using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>
/// Hands out the live listing model of the process and the shadow challenger, if any. The first caller starts loading
/// the published model (or, when none is published, the model file, training and saving it when missing); every caller
/// awaits the same task, so no consumer ever sees a half-loaded model. A failed attempt is not cached.
/// A publication swaps the model in place: the new one is loaded first, then one reference changes, so a message is
/// scored by either the old or the new model and none waits or fails during the swap.
/// </summary>
public sealed partial class ModelProvider(IOptions<ClassifierOptions> options, ILexiconMatcher lexicon, IPipelineStore? store, ILogger<ModelProvider> logger)
    : IDisposable
{
    private readonly Lock _gate = new();

    // Replaced models are kept until disposal: a consumer may still be predicting with one, and a swap is rare.
    private readonly List<Task<ListingModel>> _retired = [];
    private Task<ListingModel>? _model;
    private ListingModel? _shadow;
    private bool _shadowLoaded;

    /// <summary>The registry of published models; null without a store (the CLI scoring a file offline).</summary>
    public ModelRegistry? Registry { get; } = store is null ? null : new(store, lexicon, options.Value.ModelDirectory, TimeProvider.System);

    public Task<ListingModel> GetAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_model is null || _model.IsFaulted || _model.IsCanceled)
            {
                // Training is CPU-bound for a few seconds: keep it off the caller's thread.
                _model = Task.Run(LoadInitialAsync, CancellationToken.None);
            }

            return _model.WaitAsync(ct);
        }
    }

    /// <summary>The shadow challenger, or null; scored beside the live model, never alerting.</summary>
    public ListingModel? Shadow
    {
        get
        {
            lock (_gate)
            {
                return _shadow;
            }
        }
    }

    /// <summary>Applies a publication: loads the model, then swaps it in as live or shadow (or withdraws the shadow).</summary>
    public async Task ApplyAsync(ModelPublished publication, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(publication);
        if (publication.Role == ModelRoles.ShadowRetired)
        {
            lock (_gate)
            {
                if (_shadow?.Version == publication.ModelVersion)
                {
                    _retired.Add(Task.FromResult(_shadow));
                    _shadow = null;
                }
            }

            LogShadowRetired(publication.ModelVersion);
            return;
        }

        var current = publication.Role == ModelRoles.Live ? await GetAsync(ct) : Shadow;
        if (current?.Version == publication.ModelVersion)
        {
            return;
        }

        var registry = Registry ?? throw new InvalidOperationException("Publications need the store.");
        var loaded = await Task.Run(() => registry.LoadAsync(publication.ModelVersion, ct), ct);
        lock (_gate)
        {
            if (publication.Role == ModelRoles.Live)
            {
                _retired.Add(_model!);
                _model = Task.FromResult(loaded);
                if (_shadow?.Version == loaded.Version)
                {
                    _retired.Add(Task.FromResult(_shadow));
                    _shadow = null;
                }
            }
            else
            {
                if (_shadow is not null)
                {
                    _retired.Add(Task.FromResult(_shadow));
                }

                _shadow = loaded;
            }
        }

        LogSwapped(publication.Role, publication.ModelVersion, current?.Version ?? "none", publication.PublishedBy);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var task in _retired.Append(_model))
            {
                if (task is { IsCompletedSuccessfully: true })
                {
                    task.Result.Dispose();
                }
            }

            _shadow?.Dispose();
        }
    }

    private async Task<ListingModel> LoadInitialAsync()
    {
        if (Registry is null)
        {
            return LoadOrTrain();
        }

        ModelPublication publication;
        try
        {
            publication = await Registry.GetPublicationAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
        {
            LogPublicationUnreadable(e);
            publication = new ModelPublication(null, null);
        }

        await LoadShadowOnceAsync(publication.Shadow);
        if (publication.Live is { } live)
        {
            try
            {
                var model = await Registry.LoadAsync(live);
                LogLoadedPublished(live);
                return model;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException)
            {
                LogPublishedUnloadable(e, live);
            }
        }

        return LoadOrTrain();
    }

    private async Task LoadShadowOnceAsync(string? version)
    {
        lock (_gate)
        {
            if (_shadowLoaded || version is null)
            {
                return;
            }

            _shadowLoaded = true;
        }

        try
        {
            var shadow = await Registry!.LoadAsync(version);
            lock (_gate)
            {
                _shadow ??= shadow;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException)
        {
            LogPublishedUnloadable(e, version);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the published live model {Version}")]
    private partial void LogLoadedPublished(string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model at {Path} could not be read; training a new one")]
    private partial void LogUnreadable(Exception error, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The published model {Version} could not be loaded")]
    private partial void LogPublishedUnloadable(Exception error, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model publications could not be read; using the model file")]
    private partial void LogPublicationUnreadable(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swapped in {Role} model {Version} (was {Previous}), published by {By}")]
    private partial void LogSwapped(string role, string version, string previous, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Withdrew shadow model {Version}")]
    private partial void LogShadowRetired(string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained listing model {Version} on {Count} listings from {Source} in {Seconds:F1}s and saved it to {Path}")]
    private partial void LogTrained(int count, string source, string version, string path, double seconds);
}
