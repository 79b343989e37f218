using Lingua;

namespace WildlifeWatch.Detection;

/// <summary>
/// Identifies the language of a listing with Lingua (n-gram models shipped in the package, no network), restricted to
/// the languages of the lexicon and their usual neighbours in marketplaces, and reports it as a lexicon language code.
/// </summary>
/// <remarks>
/// Lingua knows "Chinese" but not its two scripts; the script is then told by counting characters that exist only in
/// simplified or only in traditional writing (the most frequent ones of trade listings), ties going to simplified.
/// Too short or too mixed a text gives null rather than a guess.
/// </remarks>
public sealed class LanguageIdentifier
{
    private static readonly Lazy<LanguageIdentifier> Shared = new(() => new LanguageIdentifier());

    private static readonly Dictionary<Language, string> Codes = new()
    {
        [Language.English] = "en",
        [Language.French] = "fr",
        [Language.Spanish] = "es",
        [Language.Portuguese] = "pt",
        [Language.Chinese] = "zh-Hans",
        [Language.Vietnamese] = "vi",
        [Language.Thai] = "th",
        [Language.Indonesian] = "id",
        [Language.Malay] = "ms",
        [Language.German] = "de",
        [Language.Japanese] = "ja",
        [Language.Korean] = "ko",
        [Language.Italian] = "it",
        [Language.Dutch] = "nl",
        [Language.Russian] = "ru",
        [Language.Tagalog] = "tl",
        [Language.Arabic] = "ar",
    };

    private const string SimplifiedOnly = "这个们来对时会说国学开关点发经买卖货价钱与为当从后还电话号码镯制龟鳖胆药爷图边头实现书车门问间长风鱼鸟马龙齿网络联系购运费质证净须";
    private const string TraditionalOnly = "這個們來對時會說國學開關點發經買賣貨價錢與為當從後還電話號碼鐲製龜鱉膽藥爺圖邊頭實現書車門問間長風魚鳥馬龍齒網絡聯繫購運費質證淨須";

    private readonly LanguageDetector _detector;

    public LanguageIdentifier() =>
        _detector = LanguageDetectorBuilder.FromLanguages([.. Codes.Keys]).WithMinimumRelativeDistance(0.1).Build();

    /// <summary>One detector per process: the n-gram models are loaded lazily and kept.</summary>
    public static LanguageIdentifier Default => Shared.Value;

    /// <summary>The language code of <paramref name="text"/>, or null when it cannot be told.</summary>
    public string? Identify(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var language = _detector.DetectLanguageOf(text);
        if (!Codes.TryGetValue(language, out var code))
        {
            return null;
        }

        return language == Language.Chinese ? ChineseScript(text) : code;
    }

    internal static string ChineseScript(string text)
    {
        int simplified = 0, traditional = 0;
        foreach (var c in text)
        {
            if (SimplifiedOnly.Contains(c, StringComparison.Ordinal))
            {
                simplified++;
            }
            else if (TraditionalOnly.Contains(c, StringComparison.Ordinal))
            {
                traditional++;
            }
        }

        return traditional > simplified ? "zh-Hant" : "zh-Hans";
    }
}
