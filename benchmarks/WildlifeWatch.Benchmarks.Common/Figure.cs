using System.Text.Json.Serialization;

namespace WildlifeWatch.Benchmarks;

/// <summary>
/// One measured figure: the median of the runs with their range, and for a comparison the peer's median and the ratio
/// (ours / peer; for latencies and other lower-is-better units, the ratio is still ours / peer, and the unit says so).
/// </summary>
public sealed record Figure(
    string Benchmark,
    string Name,
    double Value,
    string Unit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Min = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Max = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Runs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Peer = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? PeerValue = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Ratio = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? MeasuredAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Commit = null)
{
    /// <summary>This figure compared with <paramref name="peer"/>'s.</summary>
    public Figure Against(string peer, Figure other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with { Peer = peer, PeerValue = other.Value, Ratio = other.Value == 0 ? null : Math.Round(Value / other.Value, 3) };
    }
}
