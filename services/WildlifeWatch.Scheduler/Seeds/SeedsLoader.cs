using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace WildlifeWatch.Scheduler.Seeds;

public sealed class SeedsFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads a seeds file (YAML, or JSON by extension) and checks it, naming the seed and field at fault.</summary>
public static class SeedsLoader
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static SeedSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SeedsFileException($"Seeds file '{path}' does not exist.");
        }

        var text = File.ReadAllText(path);
        var isJson = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);
        return Parse(text, isJson, path);
    }

    public static SeedSet Parse(string text, bool isJson, string source = "seeds")
    {
        SeedSet? set;
        try
        {
            set = isJson
                ? JsonSerializer.Deserialize<SeedSet>(text, Json)
                : new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<SeedSet>(text);
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new SeedsFileException($"{source}: not valid {(isJson ? "JSON" : "YAML")}: {e.Message}", e);
        }

        if (set is null || set.Seeds.Count == 0)
        {
            throw new SeedsFileException($"{source}: no seeds; expected a 'seeds' list with at least one entry.");
        }

        Validate(set, source);
        return set;
    }

    public static string ToJson(SeedSet set) => JsonSerializer.Serialize(set, Json);

    public static SeedSet FromJson(string json) =>
        JsonSerializer.Deserialize<SeedSet>(json, Json) ?? throw new SeedsFileException("Stored seeds are empty.");

    private static void Validate(SeedSet set, string source)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < set.Seeds.Count; i++)
        {
            var seed = set.Seeds[i];
            var at = $"{source}: seed #{i + 1}{(string.IsNullOrWhiteSpace(seed.Id) ? string.Empty : $" '{seed.Id}'")}";
            if (string.IsNullOrWhiteSpace(seed.Id))
            {
                throw new SeedsFileException($"{at}: 'id' is required.");
            }

            if (!ids.Add(seed.Id))
            {
                throw new SeedsFileException($"{at}: id is used by another seed.");
            }

            if (seed.StartUrls.Count == 0)
            {
                throw new SeedsFileException($"{at}: 'startUrls' needs at least one URL.");
            }

            foreach (var url in seed.StartUrls)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    throw new SeedsFileException($"{at}: start URL '{url}' is not an absolute http(s) URL.");
                }
            }

            if (seed.MaxDepth is < 0 or > 50)
            {
                throw new SeedsFileException($"{at}: 'maxDepth' must be between 0 and 50, not {seed.MaxDepth}.");
            }

            foreach (var pattern in seed.IncludePatterns.Concat(seed.ExcludePatterns))
            {
                try
                {
                    _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    throw new SeedsFileException($"{at}: pattern '{pattern}' is not a valid regular expression: {e.Message}", e);
                }
            }
        }
    }
}
