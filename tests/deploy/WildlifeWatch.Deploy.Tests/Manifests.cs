using YamlDotNet.RepresentationModel;

namespace WildlifeWatch.Deploy.Tests;

/// <summary>The YAML files under deploy/, read as plain maps, lists and strings.</summary>
internal static class Manifests
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    /// <summary>Every document of every YAML file under <paramref name="directory"/> (relative to deploy/), with its file.</summary>
    public static IReadOnlyList<(string File, Dictionary<string, object?> Document)> Documents(string directory) =>
        Directory.EnumerateFiles(Path.Combine(Deploy, directory), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => Load(f).Select(d => (Path.GetRelativePath(Deploy, f), d)))
            .ToList();

    public static IReadOnlyList<Dictionary<string, object?>> Load(string file)
    {
        using var reader = new StreamReader(file);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Select(d => ToObject(d.RootNode)).OfType<Dictionary<string, object?>>().ToList();
    }

    /// <summary>Documents of one kind; a kustomization's documents when <paramref name="directory"/> is an overlay or the base.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> OfKind(string directory, string kind) =>
        Documents(directory).Select(d => d.Document).Where(d => Equals(d.GetValueOrDefault("kind"), kind)).ToList();

    public static object? At(this object? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(key),
                List<object?> list when int.TryParse(key, out var i) && i < list.Count => list[i],
                _ => null,
            };
        }

        return node;
    }

    public static string? Text(this object? node, params string[] path) => node.At(path) as string;

    public static List<object?> List(this object? node, params string[] path) => node.At(path) as List<object?> ?? [];

    public static Dictionary<string, object?> Map(this object? node, params string[] path) =>
        node.At(path) as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);

    private static object? ToObject(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? string.Empty, c => ToObject(c.Value), StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.Select(ToObject).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above the test assembly.");
    }
}
