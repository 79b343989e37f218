using System.Globalization;
using System.Text.RegularExpressions;

namespace WildlifeWatch.Extractor;

/// <summary>An amount and the ISO 4217 currency it is stated in, when the text says.</summary>
public readonly record struct ParsedPrice(decimal Amount, string? Currency);

/// <summary>
/// Reads prices as marketplaces write them: "1,250.00", "1.250,00", "¥1200", "1 250 €", "12.000.000 ₫".
/// Always culture-invariant: the crawler's locale must never change what a page is read to say.
/// </summary>
public static partial class PriceParser
{
    // Longest first so that "US$" wins over "$" and "R$" is not read as a bare dollar.
    private static readonly (string Symbol, string Code)[] Symbols =
    [
        ("US$", "USD"), ("CA$", "CAD"), ("AU$", "AUD"), ("NZ$", "NZD"), ("HK$", "HKD"), ("NT$", "TWD"), ("MX$", "MXN"),
        ("SG$", "SGD"), ("CN¥", "CNY"), ("VNĐ", "VND"), ("R$", "BRL"), ("A$", "AUD"), ("C$", "CAD"), ("S$", "SGD"),
        ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("￥", "JPY"), ("₫", "VND"), ("đ", "VND"), ("₹", "INR"), ("₩", "KRW"),
        ("฿", "THB"), ("₱", "PHP"), ("₺", "TRY"), ("₪", "ILS"), ("₦", "NGN"), ("₴", "UAH"), ("zł", "PLN"), ("元", "CNY"),
        ("$", "USD"),
    ];

    // Symbols whose bare form is shared; a page on the matching country domain means that country's currency.
    private static readonly Dictionary<string, Dictionary<string, string>> SharedSymbolsByTld = new(StringComparer.Ordinal)
    {
        ["$"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["au"] = "AUD", ["ca"] = "CAD", ["nz"] = "NZD", ["hk"] = "HKD", ["sg"] = "SGD", ["tw"] = "TWD", ["mx"] = "MXN",
        },
        ["¥"] = new(StringComparer.OrdinalIgnoreCase) { ["cn"] = "CNY" },
        ["￥"] = new(StringComparer.OrdinalIgnoreCase) { ["cn"] = "CNY" },
    };

    private static readonly HashSet<string> IsoCodes = new(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND",
        "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF",
        "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD",
        "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
        "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
        "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN",
        "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
        "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
        "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
    };

    private static readonly Dictionary<string, string> LocalCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RMB"] = "CNY", ["RP"] = "IDR", ["RM"] = "MYR", ["KR"] = "SEK", ["VNĐ"] = "VND",
    };

    /// <summary>Finds the first price in free text; with <paramref name="requireCurrency"/>, only one that names its currency.</summary>
    public static ParsedPrice? Find(string? text, Uri? pageUrl = null, bool requireCurrency = false)
    {
        foreach (var price in FindAll(text, pageUrl))
        {
            if (!requireCurrency || price.Currency is not null)
            {
                return price;
            }
        }

        return null;
    }

    /// <summary>Every price in the text, in order.</summary>
    public static IEnumerable<ParsedPrice> FindAll(string? text, Uri? pageUrl = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        foreach (Match match in PricePattern().Matches(text))
        {
            if (ParseAmount(match.Groups["num"].Value) is not { } amount)
            {
                continue;
            }

            var token = match.Groups["pre"].Success ? match.Groups["pre"].Value : match.Groups["post"].Success ? match.Groups["post"].Value : null;
            yield return new ParsedPrice(amount, token is null ? null : NormalizeCurrency(token, pageUrl));
        }
    }

    /// <summary>A structured price (schema.org says a plain decimal with a dot) or, failing that, a written one.</summary>
    public static ParsedPrice? ParseStructured(string? value, Uri? pageUrl = null)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (PlainDecimal().IsMatch(trimmed))
        {
            return new ParsedPrice(decimal.Parse(trimmed, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), null);
        }

        return Find(trimmed, pageUrl);
    }

    /// <summary>
    /// The number alone. With both '.' and ',' the last one is the decimal mark; a single mark followed by
    /// exactly three digits groups thousands ("1,250", "12.000"); any other single mark is decimal.
    /// </summary>
    public static decimal? ParseAmount(string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return null;
        }

        var digits = new string(number.Where(c => char.IsAsciiDigit(c) || c is '.' or ',').ToArray());
        if (digits.Length == 0 || !digits.Any(char.IsAsciiDigit))
        {
            return null;
        }

        var lastDot = digits.LastIndexOf('.');
        var lastComma = digits.LastIndexOf(',');
        char? decimalMark = null;
        if (lastDot >= 0 && lastComma >= 0)
        {
            decimalMark = lastDot > lastComma ? '.' : ',';
        }
        else if (lastDot >= 0 || lastComma >= 0)
        {
            var mark = lastDot >= 0 ? '.' : ',';
            var count = digits.Count(c => c == mark);
            var last = digits.LastIndexOf(mark);
            var after = digits.Length - last - 1;
            var integerPart = digits[..digits.IndexOf(mark)];
            var grouping = count > 1 || (after == 3 && integerPart.Trim('0').Length > 0);
            decimalMark = grouping ? null : mark;
        }

        string invariant;
        if (decimalMark is { } dm)
        {
            var split = digits.LastIndexOf(dm);
            var whole = new string(digits[..split].Where(char.IsAsciiDigit).ToArray());
            invariant = (whole.Length == 0 ? "0" : whole) + "." + new string(digits[(split + 1)..].Where(char.IsAsciiDigit).ToArray());
        }
        else
        {
            invariant = new string(digits.Where(char.IsAsciiDigit).ToArray());
        }

        return decimal.TryParse(invariant, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) ? amount : null;
    }

    /// <summary>An ISO 4217 code for a code, symbol or local abbreviation; null when it cannot be told.</summary>
    public static string? NormalizeCurrency(string? token, Uri? pageUrl = null)
    {
        var t = token?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }

        if (t.Length == 3 && t.All(char.IsAsciiLetter) && IsoCodes.Contains(t.ToUpperInvariant()))
        {
            return t.ToUpperInvariant();
        }

        if (LocalCodes.TryGetValue(t, out var local))
        {
            return local;
        }

        if (SharedSymbolsByTld.TryGetValue(t, out var byTld) && pageUrl is not null)
        {
            var tld = pageUrl.Host[(pageUrl.Host.LastIndexOf('.') + 1)..];
            if (byTld.TryGetValue(tld, out var regional))
            {
                return regional;
            }
        }

        foreach (var (symbol, code) in Symbols)
        {
            if (t == symbol)
            {
                return code;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\d+(\.\d+)?$")]
    private static partial Regex PlainDecimal();

    // A number with optional thousands groups (",", ".", space, NBSP, narrow NBSP, apostrophe) and decimals,
    // with a currency symbol or ISO code before or after it.
    [GeneratedRegex(
        @"(?:(?<pre>US\$|CA\$|AU\$|NZ\$|HK\$|NT\$|MX\$|SG\$|CN¥|R\$|A\$|C\$|S\$|[€£¥￥₫₹₩฿₱₺₪₦₴$元]|\b[A-Z]{3}\b|\bRMB\b|\bRp\b|\bRM\b)\s?)?" +
        @"(?<num>\d{1,3}(?:[.,\u0020\u00A0\u202F']\d{3}(?!\d))+(?:[.,]\d{1,2}(?!\d))?|\d+(?:[.,]\d+)?)" +
        @"(?:\s?(?<post>[€£¥￥₫₹₩฿₱₺₪₦₴元]|đ(?!\w)|VNĐ|zł|\b[A-Z]{3}\b|\bkr\b))?")]
    private static partial Regex PricePattern();
}
