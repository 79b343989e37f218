using Microsoft.Extensions.Options;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts.Tests;

public sealed class AlertDeciderTests
{
    private readonly AlertDecider _decider = new(Options.Create(new AlertOptions { Threshold = 0.5 }));

    [TestCase(0.10, null)]
    [TestCase(0.4999, null)]
    [TestCase(0.50, AlertSeverity.Low)]
    [TestCase(0.75, AlertSeverity.Medium)]
    [TestCase(0.90, AlertSeverity.High)]
    [TestCase(0.99, AlertSeverity.Critical)]
    public void Severity_follows_the_score_bands_and_nothing_is_raised_under_the_threshold(double score, AlertSeverity? expected)
    {
        Assert.That(_decider.Decide(Scored(score), DateTimeOffset.UtcNow)?.Severity, Is.EqualTo(expected));
    }

    [Test]
    public void An_alert_is_keyed_by_its_listing_and_names_the_platform_and_species()
    {
        var a = _decider.Decide(Scored(0.9), DateTimeOffset.UtcNow)!;
        var b = _decider.Decide(Scored(0.95) with { ModelVersion = "m2" }, DateTimeOffset.UtcNow)!;

        Assert.That(a.Id, Is.EqualTo(b.Id), "one alert per listing, whatever the model");
        Assert.That((a.Platform, a.SpeciesGroup, a.Threshold), Is.EqualTo(("market.example:8080", "pangolins", 0.5)));
    }

    [Test]
    public void A_score_without_a_species_group_is_filed_as_unknown()
    {
        Assert.That(_decider.Decide(Scored(0.9) with { SpeciesGroup = null }, DateTimeOffset.UtcNow)!.SpeciesGroup, Is.EqualTo("unknown"));
    }

    [Test]
    public void Bands_out_of_order_are_refused_at_start_up()
    {
        var options = new AlertOptions { Threshold = 0.8, MediumFrom = 0.7 };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].ErrorMessage, Does.Contain("Threshold <= MediumFrom"));
    }

    internal static ListingScored Scored(double score) =>
        new(Guid.NewGuid(), "c1", "l1", "http://market.example:8080/item/1", score, "m1", "pangolins", DateTimeOffset.UtcNow);
}
