using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts.Webhooks;

/// <summary>
/// One receiver of alerts over HTTP (section <c>Alerts:Webhooks:N</c>, environment <c>Alerts__Webhooks__0__Url</c>, ...).
/// Only alerts that pass its filter are sent.
/// </summary>
public sealed class WebhookOptions
{
    public string Name { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    /// <summary>Shared secret of the HMAC-SHA256 signature; at least 16 characters.</summary>
    public string Secret { get; set; } = string.Empty;

    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Low;

    public string? SpeciesGroup { get; set; }

    public string? Country { get; set; }

    public string? Platform { get; set; }

    public AlertFilter Filter => new(MinSeverity, SpeciesGroup, Country, Platform);
}
