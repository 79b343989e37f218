using System.Text;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Contracts;

/// <summary>What an investigator subscribes to; a null part matches anything.</summary>
public sealed record AlertFilter(AlertSeverity MinSeverity = AlertSeverity.Low, string? SpeciesGroup = null, string? Country = null, string? Platform = null);

/// <summary>
/// How alerts reach subscribers on RabbitMQ: <see cref="AlertRaised"/> goes to the topic exchange <see cref="Exchange"/>
/// with the routing key <c>alert.&lt;severity&gt;.&lt;speciesGroup&gt;.&lt;country&gt;.&lt;platform&gt;</c>, and each subscriber's
/// durable queue is bound by patterns made from its filter.
/// </summary>
public static class AlertRouting
{
    public const string Exchange = "wtw.alerts";
    public const string Unknown = "unknown";

    public static string RoutingKey(AlertRaised alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Key(alert.Severity, alert.SpeciesGroup, alert.Country, alert.Platform);
    }

    /// <summary>An update is routed by the alert's new severity, so the subscribers of that severity see it.</summary>
    public static string RoutingKey(AlertUpdated alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Key(alert.Severity, alert.SpeciesGroup, alert.Country, alert.Platform);
    }

    public static string Key(AlertSeverity severity, string? speciesGroup, string? country, string? platform) =>
        $"alert.{Segment(severity.ToString())}.{Segment(speciesGroup)}.{Segment(country)}.{Segment(platform)}";

    /// <summary>The binding patterns of a filter: one per severity at or above the minimum.</summary>
    public static IReadOnlyList<string> BindingPatterns(AlertFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Enum.GetValues<AlertSeverity>()
            .Where(s => s >= filter.MinSeverity)
            .Select(s => $"alert.{Segment(s.ToString())}.{Pattern(filter.SpeciesGroup)}.{Pattern(filter.Country)}.{Pattern(filter.Platform)}")
            .ToList();
    }

    /// <summary>Whether an alert passes a filter: what a binding made from the filter would deliver.</summary>
    public static bool Matches(AlertFilter filter, AlertRaised alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Matches(filter, alert.Severity, alert.SpeciesGroup, alert.Country, alert.Platform);
    }

    /// <summary>Whether an update passes a filter, as its routing key would bind.</summary>
    public static bool Matches(AlertFilter filter, AlertUpdated alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Matches(filter, alert.Severity, alert.SpeciesGroup, alert.Country, alert.Platform);
    }

    /// <summary>Whether an alert with these routing facts passes a filter (what a binding made from the filter would deliver).</summary>
    public static bool Matches(AlertFilter filter, AlertSeverity severity, string? speciesGroup, string? country, string? platform)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return severity >= filter.MinSeverity
            && Part(filter.SpeciesGroup, speciesGroup)
            && Part(filter.Country, country)
            && Part(filter.Platform, platform);

        static bool Part(string? wanted, string? actual) => string.IsNullOrWhiteSpace(wanted) || Segment(wanted) == Segment(actual);
    }

    /// <summary>
    /// One routing-key word: lower case, and anything but letters, digits and '-' as '_' (a platform such as
    /// <c>shop.example:8080</c> must not become three words, and '*' or '#' must not become a wildcard).
    /// </summary>
    public static string Segment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Unknown;
        }

        var word = new StringBuilder(value.Length);
        foreach (var c in value.Trim().ToLowerInvariant())
        {
            word.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_');
        }

        return word.ToString();
    }

    private static string Pattern(string? value) => string.IsNullOrWhiteSpace(value) ? "*" : Segment(value);
}
