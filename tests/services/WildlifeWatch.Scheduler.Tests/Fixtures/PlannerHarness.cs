using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Scheduler.Crawling;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Scheduler.Tests.Fixtures;

/// <summary>A <see cref="CrawlPlanner"/> over a throw-away SQLite store and MassTransit's test harness, fetching robots.txt and sitemaps with <paramref name="http"/>.</summary>
public sealed class PlannerHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;

    private PlannerHarness(string directory, SqlitePipelineStore store, ServiceProvider services, ITestHarness bus, IServiceScope scope)
    {
        _directory = directory;
        Store = store;
        _services = services;
        Bus = bus;
        _scope = scope;
        Planner = scope.ServiceProvider.GetRequiredService<CrawlPlanner>();
    }

    public SqlitePipelineStore Store { get; }

    public ITestHarness Bus { get; }

    public CrawlPlanner Planner { get; }

    public IServiceProvider Services => _services;

    public static async Task<PlannerHarness> StartAsync(HttpClient http, Action<SchedulerOptions>? configure = null, TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wtw-planner-" + Guid.NewGuid().ToString("N"));
        var store = new SqlitePipelineStore(Path.Combine(directory, "pipeline.db"));
        await store.InitializeAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddMassTransitTestHarness()
            .AddSingleton<IPipelineStore>(store)
            .AddSingleton(new UrlNormalizer())
            .AddSingleton(http)
            .AddSingleton<RobotsCache>()
            .AddSingleton<SitemapReader>()
            .AddSingleton<ILexiconMatcher>(LexiconMatcher.LoadDefault())
            .AddSingleton<LinkScorer>()
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton<KnownCrawls>()
            .AddScoped<CrawlPlanner>()
            .Configure<SchedulerOptions>(o => configure?.Invoke(o))
            .BuildServiceProvider(validateScopes: true);
        var bus = services.GetRequiredService<ITestHarness>();
        await bus.Start();
        return new PlannerHarness(directory, store, services, bus, services.CreateScope());
    }

    /// <summary>The requests published so far, in publication order.</summary>
    public List<FetchRequested> Requested() => Bus.Published.Select<FetchRequested>().Select(m => m.Context.Message).ToList();

    public async ValueTask DisposeAsync()
    {
        _scope.Dispose();
        await Bus.Stop();
        await _services.DisposeAsync();
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
