using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts.Digest;

/// <summary>A stored subscription as the digest and e-mail read it: its name and its filter.</summary>
public sealed record DigestSubscription(string Name, AlertFilter Filter)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The filter as <see cref="Subscription.FilterJson"/> holds it: <c>{"minSeverity":"High","speciesGroup":"elephants","country":null,"platform":null}</c>.</summary>
    public static string FilterJson(AlertFilter filter) => JsonSerializer.Serialize(filter, Json);

    /// <summary>The subscription with its filter, or null when the filter JSON is not one (such a subscription matches nothing).</summary>
    public static DigestSubscription? From(Subscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        try
        {
            return JsonSerializer.Deserialize<AlertFilter>(subscription.FilterJson, Json) is { } filter && Enum.IsDefined(filter.MinSeverity)
                ? new DigestSubscription(subscription.Name, filter)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool Matches(Alert alert, string? country)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return AlertRouting.Matches(Filter, alert.Severity, alert.SpeciesGroup, country, alert.Platform);
    }
}

/// <summary>An alert of the period with what the digest shows of its listing (captured text: hostile until encoded).</summary>
public sealed record DigestEntry(Alert Alert, string Url, string Title, string? Country);

/// <summary>One subscription's digest of a period: its alerts, counts by severity and species, the top listings, as text and HTML.</summary>
public sealed record AlertDigest(
    string Subscription,
    DateTimeOffset From,
    DateTimeOffset Until,
    IReadOnlyList<DigestEntry> Entries,
    IReadOnlyList<KeyValuePair<AlertSeverity, int>> BySeverity,
    IReadOnlyList<KeyValuePair<string, int>> BySpecies,
    IReadOnlyList<DigestEntry> Top,
    string Subject,
    string Text,
    string Html);

/// <summary>
/// Builds one digest per subscription from the alerts raised or updated in a period, selecting exactly what the
/// subscription's routing patterns would deliver (<see cref="AlertRouting.Matches(AlertFilter, AlertSeverity, string?, string?, string?)"/>).
/// Every captured string is HTML-encoded in the HTML body, and only http(s) URLs become links.
/// </summary>
public static class AlertDigestBuilder
{
    public static IReadOnlyList<AlertDigest> Build(IEnumerable<DigestSubscription> subscriptions, IReadOnlyList<DigestEntry> entries, DateTimeOffset from, DateTimeOffset until, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(entries);
        return subscriptions.Select(s => BuildOne(s, entries.Where(e => s.Matches(e.Alert, e.Country)).ToList(), from, until, top)).ToList();
    }

    private static AlertDigest BuildOne(DigestSubscription subscription, IReadOnlyList<DigestEntry> mine, DateTimeOffset from, DateTimeOffset until, int top)
    {
        var bySeverity = Enum.GetValues<AlertSeverity>().Reverse()
            .Select(s => new KeyValuePair<AlertSeverity, int>(s, mine.Count(e => e.Alert.Severity == s))).Where(p => p.Value > 0).ToList();
        var bySpecies = mine.GroupBy(e => e.Alert.SpeciesGroup, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count())).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        var best = mine.OrderByDescending(e => e.Alert.Score).ThenBy(e => e.Alert.Id, StringComparer.Ordinal).Take(top).ToList();
        var day = from.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var subject = string.Create(CultureInfo.InvariantCulture, $"[Wildlife Trade Watch] {subscription.Name}: {mine.Count} alert(s) on {day}");
        return new AlertDigest(subscription.Name, from, until, mine, bySeverity, bySpecies, best, subject,
            Text(subscription.Name, mine.Count, from, until, bySeverity, bySpecies, best),
            Html(subscription.Name, mine.Count, from, until, bySeverity, bySpecies, best));
    }

    private static string Text(string name, int count, DateTimeOffset from, DateTimeOffset until, IReadOnlyList<KeyValuePair<AlertSeverity, int>> bySeverity,
        IReadOnlyList<KeyValuePair<string, int>> bySpecies, IReadOnlyList<DigestEntry> best)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Subscription {name}: {count} alert(s) raised or updated from {Time(from)} to {Time(until)}.\n");
        if (count == 0)
        {
            return text.Append("Nothing matched.\n").ToString();
        }

        text.Append("\nBy severity: ").AppendJoin(", ", bySeverity.Select(p => $"{p.Key.ToString().ToLowerInvariant()} {p.Value}")).Append('\n');
        text.Append("By species:  ").AppendJoin(", ", bySpecies.Select(p => $"{p.Key} {p.Value}")).Append("\n\nTop listings:\n");
        foreach (var e in best)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {e.Alert.Score:0.000}  {e.Alert.Severity.ToString().ToLowerInvariant(),-8} {e.Alert.SpeciesGroup,-14} {e.Alert.Platform}  {OneLine(e.Title)}\n        {OneLine(e.Url)}\n");
        }

        return text.ToString();
    }

    private static string Html(string name, int count, DateTimeOffset from, DateTimeOffset until, IReadOnlyList<KeyValuePair<AlertSeverity, int>> bySeverity,
        IReadOnlyList<KeyValuePair<string, int>> bySpecies, IReadOnlyList<DigestEntry> best)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>");
        html.Append(E($"Wildlife Trade Watch: {name}")).Append("</title></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(name)}</h1><p>{count} alert(s) raised or updated from {E(Time(from))} to {E(Time(until))}.</p>");
        if (count > 0)
        {
            html.Append("<h2>By severity</h2><ul>");
            foreach (var p in bySeverity)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(p.Key.ToString().ToLowerInvariant())}: {p.Value}</li>");
            }

            html.Append("</ul><h2>By species</h2><ul>");
            foreach (var p in bySpecies)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(p.Key)}: {p.Value}</li>");
            }

            html.Append("</ul><h2>Top listings</h2><table><tr><th>Score</th><th>Severity</th><th>Species</th><th>Platform</th><th>Listing</th></tr>");
            foreach (var e in best)
            {
                var link = IsWebUrl(e.Url) ? $"<a href=\"{E(e.Url)}\" rel=\"noreferrer noopener\">{E(e.Title)}</a>" : E(e.Title);
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{e.Alert.Score:0.000}</td><td>{E(e.Alert.Severity.ToString().ToLowerInvariant())}</td><td>{E(e.Alert.SpeciesGroup)}</td><td>{E(e.Alert.Platform)}</td><td>{link}</td></tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }

    // Markup-significant characters only, so titles in any script stay readable in the mail.
    private static string E(string? s)
    {
        var encoded = new StringBuilder((s ?? string.Empty).Length);
        foreach (var c in s ?? string.Empty)
        {
            encoded.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return encoded.ToString();
    }

    // A captured title or URL must not add lines (or fake ones) to the plain-text digest.
    private static string OneLine(string s) => string.Concat(s.Select(c => char.IsControl(c) ? ' ' : c));

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
