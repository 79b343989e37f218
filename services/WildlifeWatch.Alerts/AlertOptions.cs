using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Alerts;

/// <summary>Settings of the alert dispatcher (section <c>Alerts</c>, environment <c>Alerts__Threshold</c>, ...).</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>A listing scoring at or above this raises an alert.</summary>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = 0.5;

    /// <summary>Scores at or above these bands raise the severity of an alert.</summary>
    [Range(0.0, 1.0)]
    public double MediumFrom { get; set; } = 0.7;

    [Range(0.0, 1.0)]
    public double HighFrom { get; set; } = 0.85;

    [Range(0.0, 1.0)]
    public double CriticalFrom { get; set; } = 0.97;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(Threshold <= MediumFrom && MediumFrom <= HighFrom && HighFrom <= CriticalFrom))
        {
            yield return new ValidationResult(
                "Alerts: expected Threshold <= MediumFrom <= HighFrom <= CriticalFrom.",
                [nameof(Threshold), nameof(MediumFrom), nameof(HighFrom), nameof(CriticalFrom)]);
        }
    }
}
