using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace WildlifeWatch.Alerts.Digest;

/// <summary>The daily digest per subscription (section <c>Alerts:Digest</c>, environment <c>Alerts__Digest__At</c>, ...).</summary>
public sealed class DigestOptions : IValidatableObject
{
    public const string Section = "Alerts:Digest";

    /// <summary>Send the digest of the previous UTC day every day at <see cref="At"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>UTC time of day, <c>HH:mm</c>.</summary>
    public string At { get; set; } = "07:00";

    /// <summary>Listings shown per digest, highest score first.</summary>
    [Range(1, 200)]
    public int TopListings { get; set; } = 10;

    /// <summary>The parsed <see cref="At"/> (a method, not a property: validation reads every property, also of a bad value).</summary>
    public TimeOnly AtTime() => TimeOnly.ParseExact(At, "HH:mm", CultureInfo.InvariantCulture);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeOnly.TryParseExact(At, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            yield return new ValidationResult($"Alerts:Digest:At must be a UTC time of day as HH:mm (e.g. 07:00), not '{At}'.", [nameof(At)]);
        }
    }

    /// <summary>The next time at or after <paramref name="now"/> that falls on <paramref name="at"/> (UTC).</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at)
    {
        var today = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(at), TimeSpan.Zero);
        return today >= now ? today : today.AddDays(1);
    }
}
