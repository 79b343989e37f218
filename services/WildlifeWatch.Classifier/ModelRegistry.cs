using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Store;

namespace WildlifeWatch.Classifier;

/// <summary>Which registered models the classifiers run: the live one and an optional shadow challenger.</summary>
public sealed record ModelPublication(string? Live, string? Shadow);

/// <summary>
/// The model lifecycle over the store: a trained model is registered (version, metrics, training-data hash, feature
/// schema) with its file as a content-addressed artifact, so any classifier on any machine can load it; publishing is an
/// audited, append-only record (subject <see cref="PublicationSubject"/>), so the live and shadow models survive
/// restarts and every change says who made it. Model files are cached in a local directory by version.
/// </summary>
public sealed class ModelRegistry(IPipelineStore store, ILexiconMatcher lexicon, string modelDirectory, TimeProvider time)
{
    public const string PublicationSubject = "model-publication";
    public const string PublishAction = "model.publish";
    private const string MediaType = "application/zip";

    public string PathOf(string version) => Path.Combine(Path.GetFullPath(modelDirectory), version + ".zip");

    /// <summary>Saves the model file, stores it as an artifact and registers the version; registering twice changes nothing.</summary>
    public async Task<ModelEntry> RegisterAsync(ListingModel model, JsonElement evaluation, string trainingDataSha256, int listings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var path = PathOf(model.Version);
        model.Save(path);
        var artifact = await store.PutArtifactAsync(await File.ReadAllBytesAsync(path, ct), MediaType, ct);
        var metrics = new JsonObject
        {
            ["trainer"] = model.Trainer,
            ["featureSchema"] = model.FeatureSchema,
            ["artifactSha256"] = artifact,
            ["listings"] = listings,
            ["evaluation"] = JsonNode.Parse(evaluation.GetRawText()),
        };
        var entry = new ModelEntry(model.Version, metrics.ToJsonString(), trainingDataSha256, time.GetUtcNow());
        await store.RegisterModelAsync(entry, ct);
        return await store.GetModelAsync(model.Version, ct) ?? entry;
    }

    /// <summary>Loads a registered version: from the local cache, else from the store's artifact (checked against its hash).</summary>
    public async Task<ListingModel> LoadAsync(string version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var path = PathOf(version);
        if (!File.Exists(path))
        {
            var entry = await store.GetModelAsync(version, ct) ?? throw new InvalidOperationException($"Model {version} is not registered.");
            var artifact = ArtifactOf(entry) ?? throw new InvalidOperationException($"Model {version} has no stored file.");
            var bytes = await store.GetArtifactAsync(artifact, ct) ?? throw new InvalidOperationException($"The file of model {version} ({artifact}) is missing from the store.");
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), artifact, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The stored file of model {version} does not match its SHA-256 {artifact}.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temp, bytes, ct);
            File.Move(temp, path, overwrite: true);
        }

        var model = ListingModel.Load(path, lexicon);
        return model.Version == version ? model : throw new InvalidDataException($"{path} holds model {model.Version}, not {version}.");
    }

    /// <summary>Records the publication (audited) and returns the message that tells running classifiers.</summary>
    public async Task<ModelPublished> PublishAsync(string version, string role, string actor, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (role is not (ModelRoles.Live or ModelRoles.Shadow or ModelRoles.ShadowRetired))
        {
            throw new ArgumentException($"Unknown model role '{role}'.", nameof(role));
        }

        if (role != ModelRoles.ShadowRetired && await store.GetModelAsync(version, ct) is null)
        {
            throw new InvalidOperationException($"Model {version} is not registered; train it first (pipeline train).");
        }

        var at = time.GetUtcNow();
        var details = JsonSerializer.Serialize(new { version, role });
        await store.AppendAuditAsync(new AuditEntry(actor, PublishAction, PublicationSubject, details, at), ct);
        return new ModelPublished(Guid.NewGuid(), version, role, actor, at);
    }

    /// <summary>The live and shadow models, replayed from the publication records.</summary>
    public async Task<ModelPublication> GetPublicationAsync(CancellationToken ct = default)
    {
        string? live = null, shadow = null;
        foreach (var entry in await store.GetAuditAsync(PublicationSubject, null, int.MaxValue, ct))
        {
            if (entry.Action != PublishAction || entry.Details is null)
            {
                continue;
            }

            using var details = JsonDocument.Parse(entry.Details);
            var version = details.RootElement.GetProperty("version").GetString();
            switch (details.RootElement.GetProperty("role").GetString())
            {
                case ModelRoles.Live:
                    live = version;
                    shadow = shadow == version ? null : shadow; // a challenger promoted to live stops shadowing itself
                    break;
                case ModelRoles.Shadow:
                    shadow = version;
                    break;
                case ModelRoles.ShadowRetired when shadow == version:
                    shadow = null;
                    break;
            }
        }

        return new ModelPublication(live, shadow);
    }

    public static string? ArtifactOf(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var metrics = JsonDocument.Parse(entry.MetricsJson);
        return metrics.RootElement.TryGetProperty("artifactSha256", out var a) ? a.GetString() : null;
    }

    /// <summary>SHA-256 over the listings as the model reads them (id, language, text, label, product type), in order.</summary>
    public static string TrainingDataSha256(IReadOnlyList<LabeledListing> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var d in data)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\u001f', d.Id, d.Language, d.Title, d.Description, d.Label ? "1" : "0", d.ProductType, d.Decoy ? "1" : "0") + "\u001e"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
