using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts.Tests;

public sealed class AlertRoutingTests
{
    [Test]
    public void The_routing_key_names_severity_species_country_and_platform_as_single_words()
    {
        var alert = Alert(AlertSeverity.High, "elephants", "VN", "shop.example:8080");

        Assert.That(AlertRouting.RoutingKey(alert), Is.EqualTo("alert.high.elephants.vn.shop_example_8080"));
    }

    [Test]
    public void Missing_parts_and_wildcard_characters_cannot_widen_a_key()
    {
        var alert = Alert(AlertSeverity.Low, "#", null, "*.example");

        Assert.That(AlertRouting.RoutingKey(alert), Is.EqualTo("alert.low._.unknown.__example"));
    }

    [Test]
    public void A_minimum_severity_binds_every_severity_from_it_up()
    {
        var patterns = AlertRouting.BindingPatterns(new AlertFilter(AlertSeverity.High, SpeciesGroup: "Elephants"));

        Assert.That(patterns, Is.EqualTo(new[] { "alert.high.elephants.*.*", "alert.critical.elephants.*.*" }));
    }

    [TestCase(AlertSeverity.Critical, "elephants", "vn", "shop.example", true)]
    [TestCase(AlertSeverity.Medium, "elephants", "vn", "shop.example", false)]
    [TestCase(AlertSeverity.High, "pangolins", "vn", "shop.example", false)]
    [TestCase(AlertSeverity.High, "elephants", "th", "shop.example", false)]
    [TestCase(AlertSeverity.High, "elephants", "VN", "other.example", false)]
    public void A_filter_matches_what_its_bindings_would_deliver(AlertSeverity severity, string species, string country, string platform, bool expected)
    {
        var filter = new AlertFilter(AlertSeverity.High, "elephants", "VN", "shop.example");
        var alert = Alert(severity, species, country, platform);
        var key = AlertRouting.RoutingKey(alert);
        var byPattern = AlertRouting.BindingPatterns(filter).Any(p => TopicMatches(p, key));

        Assert.That((AlertRouting.Matches(filter, alert), byPattern), Is.EqualTo((expected, expected)));
    }

    internal static AlertRaised Alert(AlertSeverity severity, string species, string? country, string platform, string listing = "l1") =>
        new(Guid.NewGuid(), "c1", "a-" + listing, listing, $"http://{platform}/item/1", "Carved tusk", 0.9, "m1", severity, species, platform, DateTimeOffset.UtcNow, country);

    // RabbitMQ topic matching for patterns with '*' only (one word each), which is all BindingPatterns makes.
    private static bool TopicMatches(string pattern, string key)
    {
        var p = pattern.Split('.');
        var k = key.Split('.');
        return p.Length == k.Length && p.Zip(k).All(x => x.First == "*" || x.First == x.Second);
    }
}
