using System.Text.Json;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>What a listing really is, for grading detection. <see cref="Path"/> is <c>/item/{id}</c>.</summary>
public sealed record GroundTruthEntry(
    string Id,
    string Path,
    string Language,
    bool IsWildlife,
    bool IsDecoy,
    string? ProductType,
    string? SpeciesGroup);

/// <summary>Reads the ground truth shipped next to the assembly.</summary>
public static class GroundTruth
{
    /// <summary>Data/ground-truth.json in the output folder.</summary>
    public static string DefaultPath => System.IO.Path.Combine(SiteFiles.Root, "Data", "ground-truth.json");

    public static IReadOnlyList<GroundTruthEntry> Load(string? path = null)
    {
        using var stream = File.OpenRead(path ?? DefaultPath);
        var entries = JsonSerializer.Deserialize<List<GroundTruthEntry>>(stream, SiteFiles.JsonRead)
            ?? throw new InvalidDataException("Ground truth file is empty.");
        return entries.AsReadOnly();
    }
}
