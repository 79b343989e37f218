using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store;
using WildlifeWatch.Store.MongoDb;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// The store an operator's command works on, chosen the way the services choose it (Store:Provider, Store__*
/// environment variables, MONGODB_URI), with <c>--db PATH</c> as the SQLite shortcut.
/// </summary>
internal sealed class StoreAccess : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreAccess(ServiceProvider services, IPipelineStore store, string description)
    {
        _services = services;
        Store = store;
        Description = description;
    }

    public IPipelineStore Store { get; }

    public string Description { get; }

    public static async Task<StoreAccess> OpenAsync(CommandLine line, CancellationToken ct) =>
        await OpenAsync(line, createMissing: false, ct) ?? throw new InvalidOperationException("unreachable");

    /// <summary>
    /// Opens the store; a missing SQLite file is created when <paramref name="createMissing"/> is true (a first training run
    /// registers its model), and is otherwise a usage error, or null for <see cref="TryOpenAsync"/>.
    /// </summary>
    public static Task<StoreAccess?> OpenAsync(CommandLine line, bool createMissing, CancellationToken ct) => OpenAsync(line, createMissing, orNull: false, ct);

    /// <summary>The store when one exists (MongoDB configured, or the SQLite file present), else null.</summary>
    public static Task<StoreAccess?> TryOpenAsync(CommandLine line, CancellationToken ct) => OpenAsync(line, createMissing: false, orNull: true, ct);

    private static async Task<StoreAccess?> OpenAsync(CommandLine line, bool createMissing, bool orNull, CancellationToken ct)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (line.String("db") is { } db)
        {
            overrides["Store:Provider"] = nameof(StoreProvider.Sqlite);
            overrides["Store:SqlitePath"] = db;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();
        var services = new ServiceCollection();
        services.AddPipelineStore(configuration).AddMongoDbStoreProvider();
        var provider = services.BuildServiceProvider();
        StoreOptions options;
        try
        {
            options = provider.GetRequiredService<IOptions<StoreOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            await provider.DisposeAsync();
            throw new UsageException($"invalid store settings: {string.Join("; ", e.Failures)}");
        }

        if (options.Provider == StoreProvider.Sqlite && !File.Exists(options.SqlitePath) && !createMissing)
        {
            await provider.DisposeAsync();
            return orNull ? null : throw new UsageException($"No store at '{options.SqlitePath}'; pass --db PATH.");
        }

        var store = provider.GetRequiredService<IPipelineStore>();
        await store.InitializeAsync(ct);
        var description = options.Provider == StoreProvider.Sqlite ? options.SqlitePath : $"MongoDB database {options.MongoDatabase}";
        return new StoreAccess(provider, store, description);
    }

    /// <summary>Who runs the command, as the audit log records it.</summary>
    public static string Actor => $"cli:{Environment.UserName}@{Environment.MachineName}";

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
