using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace WildlifeWatch.Scheduler.Seeds;

public sealed class SeedsFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a seeds file (YAML, or JSON by extension) and checks it. Every error names the file, the line (YAML) and
/// the seed and field at fault, so an operator can fix a file of many sites without guessing.
/// </summary>
public static partial class SeedsLoader
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static readonly IReadOnlyList<string> RenderModes = ["browser", "http", "auto"];

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
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $":{l + 1}" : string.Empty;
            throw new SeedsFileException($"{source}{line}: not valid JSON: {e.Message}", e);
        }
        catch (YamlException e)
        {
            // The deserializer's own message repeats the position; the innermost one says what is wrong.
            var reason = (e.InnerException as YamlException ?? e).Message;
            throw new SeedsFileException($"{source}:{e.Start.Line}: not valid YAML: {reason}", e);
        }

        if (set is null || set.Seeds.Count == 0)
        {
            throw new SeedsFileException($"{source}: no seeds; expected a 'seeds' list with at least one entry.");
        }

        var lines = isJson ? null : YamlLines.TryRead(text);
        Validate(set, (seed, field) => $"{source}{(lines?.Find(seed, field) is { } n ? $":{n}" : string.Empty)}");
        return set;
    }

    public static string ToJson(SeedSet set) => JsonSerializer.Serialize(set, Json);

    public static SeedSet FromJson(string json) =>
        JsonSerializer.Deserialize<SeedSet>(json, Json) ?? throw new SeedsFileException("Stored seeds are empty.");

    /// <summary>Reads an interval such as <c>90m</c>, <c>12h</c>, <c>7d</c> or <c>1.00:00:00</c>.</summary>
    public static bool TryParseInterval(string? text, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = IntervalPattern().Match(text.Trim());
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            interval = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out interval);
    }

    /// <summary>The spacing between two requests to one host that <see cref="Seed.RequestsPerMinute"/> asks for.</summary>
    public static TimeSpan? HostDelay(Seed seed) =>
        seed.RequestsPerMinute is > 0 and var rpm ? TimeSpan.FromMilliseconds(Math.Ceiling(60_000 / rpm)) : null;

    private static void Validate(SeedSet set, Func<int?, string?, string> where)
    {
        foreach (var (language, words) in set.Keywords)
        {
            CheckKeywords(language, words, where(null, "keywords"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < set.Seeds.Count; i++)
        {
            var seed = set.Seeds[i];
            var index = i;
            var name = $"seed #{i + 1}{(string.IsNullOrWhiteSpace(seed.Id) ? string.Empty : $" '{seed.Id}'")}";
            string At(string? field) => $"{where(index, field)}: {name}";

            if (string.IsNullOrWhiteSpace(seed.Id))
            {
                throw new SeedsFileException($"{At(null)}: 'id' is required.");
            }

            if (!ids.Add(seed.Id))
            {
                throw new SeedsFileException($"{At("id")}: id is used by another seed.");
            }

            if (seed.StartUrls.Count == 0 && seed.SearchTemplates.Count == 0)
            {
                throw new SeedsFileException($"{At("startUrls")}: 'startUrls' needs at least one URL (or give 'searchTemplates').");
            }

            foreach (var url in seed.StartUrls)
            {
                if (!IsHttpUrl(url))
                {
                    throw new SeedsFileException($"{At("startUrls")}: start URL '{url}' is not an absolute http(s) URL.");
                }
            }

            foreach (var template in seed.SearchTemplates)
            {
                if (!template.Contains(Seed.KeywordPlaceholder, StringComparison.Ordinal) || !IsHttpUrl(template.Replace(Seed.KeywordPlaceholder, "x", StringComparison.Ordinal)))
                {
                    throw new SeedsFileException($"{At("searchTemplates")}: search template '{template}' must be an absolute http(s) URL containing {Seed.KeywordPlaceholder}.");
                }
            }

            foreach (var (language, words) in seed.Keywords)
            {
                CheckKeywords(language, words, At("keywords"));
            }

            if (seed.SearchTemplates.Count > 0 && set.Keywords.Count == 0 && seed.Keywords.Count == 0)
            {
                throw new SeedsFileException($"{At("searchTemplates")}: 'searchTemplates' need keywords (the seed's 'keywords' or the file's).");
            }

            if (seed.MaxDepth is < 0 or > 50)
            {
                throw new SeedsFileException($"{At("maxDepth")}: 'maxDepth' must be between 0 and 50, not {seed.MaxDepth}.");
            }

            foreach (var (field, pattern) in seed.IncludePatterns.Select(p => ("includePatterns", p))
                         .Concat(seed.ExcludePatterns.Select(p => ("excludePatterns", p)))
                         .Concat(seed.ListingPatterns.Select(p => ("listingPatterns", p))))
            {
                try
                {
                    _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    throw new SeedsFileException($"{At(field)}: pattern '{pattern}' is not a valid regular expression: {e.Message}", e);
                }
            }

            if (seed.RenderMode is { } mode && !RenderModes.Contains(mode, StringComparer.Ordinal))
            {
                throw new SeedsFileException($"{At("renderMode")}: 'renderMode' must be one of {string.Join(", ", RenderModes)}, not '{mode}'.");
            }

            if (seed.RevisitInterval is { } revisit
                && (!TryParseInterval(revisit, out var interval) || interval < TimeSpan.FromMinutes(1) || interval > TimeSpan.FromDays(365)))
            {
                throw new SeedsFileException($"{At("revisitInterval")}: 'revisitInterval' must be between 1m and 365d (e.g. 12h, 7d), not '{revisit}'.");
            }

            if (seed.RequestsPerMinute is { } rpm && (double.IsNaN(rpm) || rpm <= 0 || rpm > 600))
            {
                throw new SeedsFileException($"{At("requestsPerMinute")}: 'requestsPerMinute' must be above 0 and at most 600, not {rpm.ToString(CultureInfo.InvariantCulture)}.");
            }

            foreach (var sitemap in seed.Sitemaps)
            {
                if (!IsHttpUrl(sitemap))
                {
                    throw new SeedsFileException($"{At("sitemaps")}: sitemap '{sitemap}' is not an absolute http(s) URL.");
                }
            }

            foreach (var cookie in seed.Cookies)
            {
                if (!CookieName().IsMatch(cookie.Name) || cookie.Value.Any(c => c is ';' or ',' or '"' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    throw new SeedsFileException($"{At("cookies")}: cookie '{cookie.Name}' needs a token name and a value without spaces, ';', ',', quotes or backslashes.");
                }
            }
        }
    }

    private static void CheckKeywords(string language, List<string> words, string at)
    {
        if (!LanguageTag().IsMatch(language))
        {
            throw new SeedsFileException($"{at}: keyword language '{language}' is not a language tag such as en, zh or pt-BR.");
        }

        if (words is null || words.Count == 0 || words.Any(string.IsNullOrWhiteSpace))
        {
            throw new SeedsFileException($"{at}: keywords of '{language}' must be a non-empty list of non-empty words.");
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntervalPattern();

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CookieName();

    /// <summary>Where each seed and each of its fields starts in a YAML file, to point errors at a line.</summary>
    private sealed class YamlLines
    {
        private readonly YamlMappingNode? _root;
        private readonly YamlSequenceNode? _seeds;

        private YamlLines(YamlMappingNode? root)
        {
            _root = root;
            _seeds = root?.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "seeds" }).Value as YamlSequenceNode;
        }

        public static YamlLines? TryRead(string text)
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                return new YamlLines(stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null);
            }
            catch (YamlException)
            {
                return null;
            }
        }

        /// <summary>The 1-based line of the field of seed #<paramref name="seed"/> (or of the seed, or of a top-level field).</summary>
        public long? Find(int? seed, string? field)
        {
            YamlNode? node = seed is { } i && _seeds is not null && i < _seeds.Children.Count ? _seeds.Children[i] : null;
            var mapping = seed is null ? _root : node as YamlMappingNode;
            if (field is not null && mapping?.Children.FirstOrDefault(c => c.Key is YamlScalarNode s && s.Value == field).Key is { } key)
            {
                node = key;
            }

            return node?.Start.Line;
        }
    }
}
