using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WildlifeWatch.Hosting;

/// <summary>The pipeline's own activity source and meter; MassTransit adds its spans around each hop.</summary>
public static class PipelineTelemetry
{
    public const string Name = "WildlifeWatch.Pipeline";

    public static ActivitySource ActivitySource { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);
}
