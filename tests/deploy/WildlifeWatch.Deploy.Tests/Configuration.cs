using System.Reflection;
using WildlifeWatch.Alerts;
using WildlifeWatch.Classifier;
using WildlifeWatch.Contracts;
using WildlifeWatch.Extractor;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler;
using WildlifeWatch.Store;

namespace WildlifeWatch.Deploy.Tests;

/// <summary>What the code says a deployment may configure, read by reflection so that a renamed setting breaks the test.</summary>
internal static class Configuration
{
    /// <summary>Settings read by name rather than through an options class (standard variables of their tools).</summary>
    public static readonly IReadOnlySet<string> EnvironmentOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "RABBITMQ_URI", "MONGODB_URI", "PLAYWRIGHT_CHROMIUM_EXECUTABLE", "OTEL_EXPORTER_OTLP_ENDPOINT",
    };

    public static readonly IReadOnlyDictionary<string, Assembly> StageAssemblies = new Dictionary<string, Assembly>(StringComparer.Ordinal)
    {
        ["scheduler"] = typeof(SchedulerModule).Assembly,
        ["fetcher"] = typeof(FetcherModule).Assembly,
        ["extractor"] = typeof(ExtractorModule).Assembly,
        ["classifier"] = typeof(ClassifierModule).Assembly,
        ["alerts"] = typeof(AlertsModule).Assembly,
    };

    public static IReadOnlyList<string> Stages => PipelineTelemetry.Stages;

    /// <summary><c>Section__Property</c> of every options class (a type with a <c>Section</c> constant) the services use.</summary>
    public static IReadOnlySet<string> Keys { get; } = StageAssemblies.Values
        .Append(typeof(PipelineHost).Assembly)
        .Append(typeof(StoreOptions).Assembly)
        .Distinct()
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(t => t.Section is { IsLiteral: true } && t.Section.FieldType == typeof(string))
        .SelectMany(t => t.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetSetMethod() is not null)
            .Select(p => $"{t.Section!.GetRawConstantValue()}__{p.Name}"))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The queues a stage consumes from: the pipeline queues of <see cref="QueueNames.All"/> with its <c>wtw.&lt;stage&gt;.</c> prefix.</summary>
    public static IReadOnlyList<string> QueuesOf(string stage) =>
        QueueNames.All.Where(q => q.StartsWith($"wtw.{stage}.", StringComparison.Ordinal)).ToList();

    public static bool IsKnown(string variable) => Keys.Contains(variable) || EnvironmentOnly.Contains(variable);
}
