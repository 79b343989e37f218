using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WildlifeWatch.Detection;

/// <summary>Product types a lexicon term (and a training listing) can name.</summary>
public static class ProductTypes
{
    public const string Ivory = "ivory";
    public const string Horn = "horn";
    public const string Scales = "scales";
    public const string SkinsFurs = "skins-furs";
    public const string BonesMedicine = "bones-medicine";
    public const string LiveAnimal = "live-animal";
    public const string OtherWildlife = "other-wildlife";
    public const string NotWildlife = "not-wildlife";

    /// <summary>The wildlife product types, in the fixed order the model's features use.</summary>
    public static IReadOnlyList<string> Wildlife { get; } = [Ivory, Horn, Scales, SkinsFurs, BonesMedicine, LiveAnimal, OtherWildlife];

    public static IReadOnlyList<string> All { get; } = [.. Wildlife, NotWildlife];
}

/// <summary>Species groups of the lexicon, in the fixed order the model's features use.</summary>
public static class SpeciesGroups
{
    /// <summary>Generic trade code words ("pre-ban", "old stock") that point at no species of their own.</summary>
    public const string TradeSignal = "trade-signal";

    public static IReadOnlyList<string> All { get; } =
    [
        "ivory", "rhino", "pangolin", "big-cats", "bears", "sharks", "marine-turtles", "reptiles", "birds", "primates", "other", TradeSignal,
    ];
}

/// <summary>One lexicon file (see data/lexicon/README.md).</summary>
public sealed class LexiconDocument
{
    [JsonPropertyName("taxa")]
    public List<LexiconTaxon> Taxa { get; init; } = [];

    [JsonPropertyName("negatives")]
    public List<LexiconNegative> Negatives { get; init; } = [];
}

/// <summary>A taxon with its terms: product type → language → surface forms.</summary>
public sealed class LexiconTaxon
{
    [JsonPropertyName("taxon")]
    public string Taxon { get; init; } = "";

    [JsonPropertyName("appendix")]
    public string Appendix { get; init; } = "";

    [JsonPropertyName("group")]
    public string Group { get; init; } = "";

    [JsonPropertyName("terms")]
    public Dictionary<string, Dictionary<string, List<string>>> Terms { get; init; } = [];
}

/// <summary>Decoy context: language → surface forms that signal a legal look-alike product.</summary>
public sealed class LexiconNegative
{
    /// <summary>The species group the decoy imitates ("ivory" for "ivory white"), or empty.</summary>
    [JsonPropertyName("group")]
    public string Group { get; init; } = "";

    [JsonPropertyName("terms")]
    public Dictionary<string, List<string>> Terms { get; init; } = [];
}

/// <summary>One term, flattened out of the documents, ready for the automaton.</summary>
public sealed record LexiconTerm(
    string Term,
    string Language,
    string Taxon,
    string CitesAppendix,
    string SpeciesGroup,
    string ProductType,
    bool Negative);

/// <summary>The whole lexicon: all terms of all files, with a fingerprint for model versioning.</summary>
public sealed class Lexicon
{
    private static readonly JsonSerializerOptions Json = new() { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public Lexicon(IEnumerable<LexiconTerm> terms)
    {
        Terms = terms.ToList();
        var sb = new StringBuilder();
        foreach (var t in Terms)
        {
            sb.Append(t.Term).Append('|').Append(t.Language).Append('|').Append(t.Taxon).Append('|').Append(t.SpeciesGroup)
                .Append('|').Append(t.ProductType).Append('|').Append(t.Negative).Append('\n');
        }

        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    public IReadOnlyList<LexiconTerm> Terms { get; }

    /// <summary>A hash of every term; part of the model version, since the model's features depend on it.</summary>
    public string Fingerprint { get; }

    public static Lexicon FromDocuments(IEnumerable<LexiconDocument> documents)
    {
        var terms = new List<LexiconTerm>();
        foreach (var doc in documents)
        {
            foreach (var taxon in doc.Taxa)
            {
                foreach (var (product, byLanguage) in taxon.Terms)
                {
                    if (!ProductTypes.Wildlife.Contains(product))
                    {
                        throw new InvalidDataException($"Lexicon taxon '{taxon.Taxon}' has unknown product type '{product}'.");
                    }

                    foreach (var (language, surfaces) in byLanguage)
                    {
                        terms.AddRange(surfaces.Select(s => new LexiconTerm(s, language, taxon.Taxon, taxon.Appendix, taxon.Group, product, false)));
                    }
                }
            }

            foreach (var negative in doc.Negatives)
            {
                foreach (var (language, surfaces) in negative.Terms)
                {
                    terms.AddRange(surfaces.Select(s => new LexiconTerm(s, language, "", "", negative.Group, ProductTypes.NotWildlife, true)));
                }
            }
        }

        return new Lexicon(terms);
    }

    public static LexiconDocument Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<LexiconDocument>(json, Json) ?? throw new InvalidDataException($"Lexicon '{source}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Lexicon '{source}' is not valid JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }

    /// <summary>Reads every lexicon file embedded in this assembly (logical names lexicon/*.json), in name order.</summary>
    public static Lexicon LoadEmbedded()
    {
        var assembly = typeof(Lexicon).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("lexicon/", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            throw new InvalidOperationException("No lexicon resources are embedded in WildlifeWatch.Detection.");
        }

        var docs = names.Select(n =>
        {
            using var stream = assembly.GetManifestResourceStream(n)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return Parse(reader.ReadToEnd(), n);
        });
        return FromDocuments(docs.ToList());
    }

    /// <summary>Reads the lexicon files of a folder (*.json), for tooling that edits the lexicon without rebuilding.</summary>
    public static Lexicon LoadDirectory(string directory) =>
        FromDocuments(Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(f => Parse(File.ReadAllText(f), f)).ToList());
}
