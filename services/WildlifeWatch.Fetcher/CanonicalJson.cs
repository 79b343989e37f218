using System.Globalization;
using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// A small canonical JSON writer (in the spirit of RFC 8785): object keys sorted by UTF-16 code unit,
/// no insignificant whitespace, strings escaped minimally, UTF-8 output. The same manifest always
/// yields the same bytes, so its SHA-256 can be cited and re-verified.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Serializes dictionaries (string keys), lists, strings, integers, booleans and null.</summary>
    public static byte[] Serialize(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder b, object? value)
    {
        switch (value)
        {
            case null:
                b.Append("null");
                break;
            case string s:
                WriteString(b, s);
                break;
            case bool flag:
                b.Append(flag ? "true" : "false");
                break;
            case int or long:
                b.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case IReadOnlyDictionary<string, object?> map:
                b.Append('{');
                var first = true;
                foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        b.Append(',');
                    }

                    first = false;
                    WriteString(b, key);
                    b.Append(':');
                    Write(b, map[key]);
                }

                b.Append('}');
                break;
            case System.Collections.IEnumerable items:
                b.Append('[');
                var firstItem = true;
                foreach (var item in items)
                {
                    if (!firstItem)
                    {
                        b.Append(',');
                    }

                    firstItem = false;
                    Write(b, item);
                }

                b.Append(']');
                break;
            default:
                throw new NotSupportedException($"Canonical JSON has no representation for {value.GetType()}.");
        }
    }

    private static void WriteString(StringBuilder b, string s)
    {
        b.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        b.Append('"');
    }
}
