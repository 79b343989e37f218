using System.ComponentModel.DataAnnotations;
using WildlifeWatch.Alerts.Webhooks;

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

    /// <summary>HTTP receivers of alerts, each with its own secret and filter.</summary>
    public IList<WebhookOptions> Webhooks { get; } = [];

    /// <summary>Attempts per webhook delivery (transport errors, timeouts, 408, 429 and 5xx are retried).</summary>
    [Range(1, 20)]
    public int WebhookMaxAttempts { get; set; } = 6;

    /// <summary>First back-off between attempts; it doubles, with jitter. A Retry-After from the receiver is honoured up to a minute.</summary>
    [Range(0, 600_000)]
    public int WebhookRetryBaseDelayMs { get; set; } = 1_000;

    [Range(100, 120_000)]
    public int WebhookTimeoutMs { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(Threshold <= MediumFrom && MediumFrom <= HighFrom && HighFrom <= CriticalFrom))
        {
            yield return new ValidationResult(
                "Alerts: expected Threshold <= MediumFrom <= HighFrom <= CriticalFrom.",
                [nameof(Threshold), nameof(MediumFrom), nameof(HighFrom), nameof(CriticalFrom)]);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var hook = Webhooks[i];
            if (string.IsNullOrWhiteSpace(hook.Name) || !names.Add(hook.Name))
            {
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Name must be set and unique, not '{hook.Name}'.");
            }

            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Url must be an absolute http or https URL, not '{hook.Url}'.");
            }

            if (hook.Secret.Length < 16)
            {
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Secret must have at least 16 characters.");
            }
        }
    }
}
