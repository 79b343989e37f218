using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace WildlifeWatch.Portal.Rendering;

/// <summary>
/// Markup the portal wrote itself. The only way to make one from data is the <see cref="Of"/> interpolation, which
/// HTML-encodes every value except another <see cref="Html"/>: captured text (hostile by nature) cannot reach a page raw.
/// </summary>
public readonly struct Html : IEquatable<Html>
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    public static Html Empty => default;

    public override string ToString() => _value ?? string.Empty;

    /// <summary>Markup from an interpolated string whose holes are encoded.</summary>
    public static Html Of(ref HtmlBuilder builder) => new(builder.Build());

    /// <summary>Several fragments one after the other.</summary>
    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p._value)));

    /// <summary>Encoded text.</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? string.Empty));

    internal static Html Trusted(string literal) => new(literal);

    public bool Equals(Html other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Html other && Equals(other);

    public override int GetHashCode() => (_value ?? string.Empty).GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(Html left, Html right) => left.Equals(right);

    public static bool operator !=(Html left, Html right) => !left.Equals(right);
}

/// <summary>Literal parts go through as written; every formatted value is encoded unless it is <see cref="Html"/>.</summary>
[InterpolatedStringHandler]
public ref struct HtmlBuilder
{
    private readonly StringBuilder _builder;

    public HtmlBuilder(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + (formattedCount * 16));

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(Html value) => _builder.Append(value.ToString());

    public readonly void AppendFormatted(IEnumerable<Html> values)
    {
        foreach (var value in values)
        {
            _builder.Append(value.ToString());
        }
    }

    public readonly void AppendFormatted(string? value) => _builder.Append(HtmlEncoder.Default.Encode(value ?? string.Empty));

    public readonly void AppendFormatted<T>(T value)
    {
        // A list of fragments binds here rather than to the IEnumerable overload (an exact generic match wins).
        if (value is IEnumerable<Html> fragments)
        {
            AppendFormatted(fragments);
            return;
        }

        AppendFormatted(Convert.ToString(value, CultureInfo.InvariantCulture));
    }

    public readonly void AppendFormatted<T>(T value, string format)
        where T : IFormattable => AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    internal readonly string Build() => _builder.ToString();
}
