using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts;

/// <summary>Turns a score into an alert, or none: one alert per listing, keyed by the listing.</summary>
public sealed class AlertDecider(IOptions<AlertOptions> options)
{
    public Alert? Decide(ListingScored scored, DateTimeOffset now)
    {
        var o = options.Value;
        if (scored.Score < o.Threshold)
        {
            return null;
        }

        var severity = scored.Score >= o.CriticalFrom ? AlertSeverity.Critical
            : scored.Score >= o.HighFrom ? AlertSeverity.High
            : scored.Score >= o.MediumFrom ? AlertSeverity.Medium
            : AlertSeverity.Low;
        return new Alert(
            Id: Hashing.Sha256Hex("alert\n" + scored.ListingId)[..32],
            ListingId: scored.ListingId,
            CrawlId: scored.CrawlId,
            Score: scored.Score,
            Threshold: o.Threshold,
            ModelVersion: scored.ModelVersion,
            Severity: severity,
            SpeciesGroup: string.IsNullOrWhiteSpace(scored.SpeciesGroup) ? "unknown" : scored.SpeciesGroup,
            Platform: Platform(scored.Url),
            RaisedAt: now);
    }

    /// <summary>The marketplace a listing lives on, as investigators and routing keys name it.</summary>
    public static string Platform(string url) => ListingFacts.Platform(url);
}
