using System.Globalization;
using System.Text;

namespace WildlifeWatch.Detection;

/// <summary>
/// Puts listing text and lexicon terms into one comparable form, so that a term written with or without
/// accents, in full-width forms or with common evasion spellings still meets its lexicon entry.
/// </summary>
/// <remarks>
/// Steps, in order:
/// <list type="number">
/// <item>Unicode NFKC (folds full-width Latin/digits and half-width katakana) and invariant lower case.</item>
/// <item>Combining marks are dropped only when they sit on a Latin base letter ("ngà" → "nga", "marfím" → "marfim");
/// marks on Thai or Japanese bases are kept, so those scripts are not damaged. Latin letters that do not decompose
/// are folded by a small table: đ→d, ł→l, ø→o, ß→ss, æ→ae, œ→oe, ı→i.</item>
/// <item>Three or more single letters joined by one separator each (". - _ * / | ·" or a space) are glued together:
/// "i.v.o.r.y" and "i v o r y" → "ivory".</item>
/// <item>Leetspeak: a lone digit touching a Latin letter, in a token with at least three letters, becomes the letter it
/// imitates (0→o 1→i 3→e 4→a 5→s 7→t, and @→a, $→s inside words): "1vory" → "ivory", "p4ngolin" → "pangolin".
/// Numbers such as "50cm", "5kg", "24k" or "mp3" are left alone.</item>
/// <item>Runs of white space become one space; the result is trimmed.</item>
/// </list>
/// CJK, Thai and Japanese text pass through unchanged apart from NFKC and white space.
/// </remarks>
public static class TextNormalizer
{
    private const string Separators = ".-_*/|·•";

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var folded = FoldCaseAndMarks(text);
        var joined = JoinSpacedLetters(folded);
        var unleet = UndoLeetspeak(joined);
        return CollapseWhitespace(unleet);
    }

    private static string FoldCaseAndMarks(string text)
    {
        var lower = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var decomposed = lower.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var lastBaseIsLatin = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                if (!lastBaseIsLatin)
                {
                    sb.Append(c);
                }

                continue;
            }

            lastBaseIsLatin = IsLatinLetter(c);
            switch (c)
            {
                case 'đ': sb.Append('d'); break;
                case 'ł': sb.Append('l'); break;
                case 'ø': sb.Append('o'); break;
                case 'ß': sb.Append("ss"); break;
                case 'æ': sb.Append("ae"); break;
                case 'œ': sb.Append("oe"); break;
                case 'ı': sb.Append('i'); break;
                default: sb.Append(c); break;
            }
        }

        // Recompose what is left (Japanese voiced kana, Thai stays as it was).
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Latin letters, including the extended blocks Vietnamese uses.</summary>
    internal static bool IsLatinLetter(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z')
        || (c >= '\u00C0' && c <= '\u024F' && c != '\u00D7' && c != '\u00F7')
        || (c >= '\u1E00' && c <= '\u1EFF');

    private static bool IsLeetDigit(char c) => c is '0' or '1' or '3' or '4' or '5' or '7';

    private static char LeetToLetter(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        _ => c,
    };

    private static bool IsSeparator(char c) => c == ' ' || Separators.Contains(c, StringComparison.Ordinal);

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c);

    /// <summary>Glues "i.v.o.r.y" / "i v o r y" / "1-v-0-r-y": at least three single-character units, at least two of them letters.</summary>
    private static string JoinSpacedLetters(string s)
    {
        var sb = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            if (IsUnitStart(s, i))
            {
                // Walk unit, separator, unit, separator ... while each unit is a single character.
                var units = new List<char> { s[i] };
                var j = i + 1;
                while (j + 1 < s.Length && IsSeparator(s[j]) && IsUnit(s[j + 1]) && (j + 2 >= s.Length || !IsWordChar(s[j + 2])))
                {
                    units.Add(s[j + 1]);
                    j += 2;
                }

                if (units.Count >= 3 && units.Count(IsLatinLetter) >= 2)
                {
                    sb.Append(units.ToArray());
                    i = j;
                    continue;
                }
            }

            sb.Append(s[i]);
            i++;
        }

        return sb.ToString();
    }

    private static bool IsUnit(char c) => IsLatinLetter(c) || IsLeetDigit(c);

    private static bool IsUnitStart(string s, int i) =>
        IsUnit(s[i])
        && (i == 0 || !IsWordChar(s[i - 1]))
        && (i + 1 >= s.Length || !IsWordChar(s[i + 1]));

    /// <summary>Replaces lone look-alike digits inside Latin words; tokens are maximal runs of letters, digits, @ and $.</summary>
    private static string UndoLeetspeak(string s)
    {
        var chars = s.ToCharArray();
        var i = 0;
        while (i < chars.Length)
        {
            if (!IsTokenChar(chars[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < chars.Length && IsTokenChar(chars[i]))
            {
                i++;
            }

            FixToken(chars, start, i);
        }

        return new string(chars);
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c is '@' or '$';

    private static void FixToken(char[] chars, int start, int end)
    {
        var letters = 0;
        for (var k = start; k < end; k++)
        {
            if (IsLatinLetter(chars[k]))
            {
                letters++;
            }
        }

        if (letters < 3)
        {
            return;
        }

        for (var k = start; k < end; k++)
        {
            var c = chars[k];
            if (!(IsLeetDigit(c) || c is '@' or '$'))
            {
                continue;
            }

            var prev = k > start ? chars[k - 1] : '\0';
            var next = k + 1 < end ? chars[k + 1] : '\0';
            var loneDigit = !char.IsDigit(prev) && !char.IsDigit(next);
            var touchesLetter = IsLatinLetter(prev) || IsLatinLetter(next);
            // "$" and "@" only count inside a word (letters on both sides), so "$500" and "@seller" stay as they are.
            var inside = IsLatinLetter(prev) && IsLatinLetter(next);
            if (c is '@' or '$' ? inside : loneDigit && touchesLetter)
            {
                chars[k] = LeetToLetter(c);
            }
        }
    }

    private static string CollapseWhitespace(string s)
    {
        var sb = new StringBuilder(s.Length);
        var pendingSpace = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
