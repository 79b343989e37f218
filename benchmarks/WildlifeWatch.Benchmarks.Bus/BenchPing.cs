namespace WildlifeWatch.Benchmarks.Bus;

/// <summary>The same small message through every bus.</summary>
public sealed record BenchPing(int Sequence, string Text);
