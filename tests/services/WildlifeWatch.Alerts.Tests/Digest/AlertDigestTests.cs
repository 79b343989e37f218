using Microsoft.Extensions.Logging.Abstractions;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Alerts.Email;
using WildlifeWatch.Alerts.Tests.Email;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Alerts.Tests.Digest;

public sealed class AlertDigestTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

    private static readonly DigestSubscription IvoryHigh = new("ivory-high", new AlertFilter(AlertSeverity.High, "elephants"));
    private static readonly DigestSubscription AllVietnam = new("all-vn", new AlertFilter(Country: "VN"));

    [Test]
    public void Each_subscription_gets_exactly_the_alerts_its_routing_patterns_select_with_counts_and_top_listings()
    {
        DigestEntry[] entries =
        [
            Entry("a1", 0.99, AlertSeverity.Critical, "elephants", "VN", "Ngà voi nguyên chiếc"),
            Entry("a2", 0.75, AlertSeverity.Medium, "elephants", "VN", "Vòng tay"),
            Entry("a3", 0.90, AlertSeverity.High, "pangolins", "VN", "Vảy tê tê"),
            Entry("a4", 0.88, AlertSeverity.High, "elephants", "FR", "Défense sculptée"),
            Entry("a5", 0.60, AlertSeverity.Low, "rhinoceroses", null, "Horn cup"),
        ];

        var digests = AlertDigestBuilder.Build([IvoryHigh, AllVietnam], entries, Day, Day.AddDays(1), top: 2);

        var ivory = digests.Single(d => d.Subscription == "ivory-high");
        var vietnam = digests.Single(d => d.Subscription == "all-vn");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ivory.Entries.Select(e => e.Alert.Id), Is.EquivalentTo(new[] { "a1", "a4" }));
            Assert.That(vietnam.Entries.Select(e => e.Alert.Id), Is.EquivalentTo(new[] { "a1", "a2", "a3" }));
            foreach (var digest in digests)
            {
                var filter = digest.Subscription == "ivory-high" ? IvoryHigh.Filter : AllVietnam.Filter;
                var expected = entries.Where(e => AlertRouting.Matches(filter, AsRaised(e))).Select(e => e.Alert.Id);
                Assert.That(digest.Entries.Select(e => e.Alert.Id), Is.EquivalentTo(expected), "the same selection as the subscription's queue bindings");
            }

            Assert.That(vietnam.BySeverity.Select(p => (p.Key, p.Value)), Is.EqualTo(new[] { (AlertSeverity.Critical, 1), (AlertSeverity.High, 1), (AlertSeverity.Medium, 1) }));
            Assert.That(vietnam.BySpecies.Select(p => (p.Key, p.Value)), Is.EqualTo(new[] { ("elephants", 2), ("pangolins", 1) }));
            Assert.That(vietnam.Top.Select(e => e.Alert.Id), Is.EqualTo(new[] { "a1", "a3" }), "highest scores first, at most top");
            Assert.That(vietnam.Subject, Is.EqualTo("[Wildlife Trade Watch] all-vn: 3 alert(s) on 2026-11-28"));
            Assert.That(vietnam.Text, Does.Contain("By severity: critical 1, high 1, medium 1").And.Contain("Ngà voi nguyên chiếc").And.Not.Contain("Vòng tay"));
            Assert.That(vietnam.Html, Does.Contain("Vảy tê tê").And.Contain("href=\"http://shop.example/a1\""));
        }
    }

    [Test]
    public void Captured_markup_is_encoded_in_the_html_and_only_web_urls_become_links()
    {
        DigestEntry[] entries =
        [
            Entry("a1", 0.99, AlertSeverity.Critical, "elephants", "VN", "<script>alert(1)</script> tusk") with { Url = "javascript:alert(1)" },
            Entry("a2", 0.98, AlertSeverity.Critical, "elephants", "VN", "<img src=x onerror=alert(2)>\nFAKE LINE") with { Url = "http://shop.example/\"><svg onload=alert(3)>" },
        ];

        var digest = AlertDigestBuilder.Build([AllVietnam], entries, Day, Day.AddDays(1)).Single();

        Assert.That(digest.Html, Does.Not.Contain("<script").And.Not.Contain("<img").And.Not.Contain("<svg").And.Not.Contain("javascript:"));
        Assert.That(digest.Html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt; tusk").And.Contain("&lt;img src=x onerror=alert(2)&gt;"));
        Assert.That(digest.Html, Does.Contain("href=\"http://shop.example/&quot;&gt;&lt;svg onload=alert(3)&gt;\""));
        Assert.That(digest.Text.Split('\n'), Has.None.StartsWith("FAKE LINE"), "a captured line break does not start a line of the text digest");
    }

    [Test]
    public void A_subscription_with_a_stored_filter_round_trips_and_garbage_matches_nothing()
    {
        var stored = new Subscription("ivory-high", DigestSubscription.FilterJson(IvoryHigh.Filter), Day);

        Assert.That(DigestSubscription.From(stored), Is.EqualTo(IvoryHigh));
        Assert.That(DigestSubscription.From(stored with { FilterJson = "{not json" }), Is.Null);
        Assert.That(DigestSubscription.From(stored with { FilterJson = "{\"minSeverity\":9}" }), Is.Null);
    }

    [TestCase("07:00", "2026-11-28T06:59:00Z", "2026-11-28T07:00:00Z")]
    [TestCase("07:00", "2026-11-28T07:00:00Z", "2026-11-28T07:00:00Z")]
    [TestCase("07:00", "2026-11-28T07:00:01Z", "2026-11-29T07:00:00Z")]
    [TestCase("00:00", "2026-12-31T23:30:00Z", "2027-01-01T00:00:00Z")]
    public void The_worker_runs_next_at_the_configured_utc_time(string at, string now, string expected)
    {
        var options = new DigestOptions { At = at };
        Assert.That(DigestOptions.NextRun(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), options.AtTime()),
            Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("7am")]
    [TestCase("25:00")]
    [TestCase("")]
    public void A_digest_time_that_is_not_hh_mm_is_refused_at_start_up(string at)
    {
        var options = new DigestOptions { At = at };
        Assert.That(options.Validate(new(options)).Single().ErrorMessage, Does.Contain("Alerts:Digest:At"));
    }

    [Test]
    public async Task The_daily_digest_is_built_from_stored_alerts_of_the_day_and_sent_once_per_subscription()
    {
        using var temporary = await TemporaryStore.CreateAsync("c1", "wtw-digest");
        var store = temporary.Store;
        await StoredAlertAsync(temporary, "l1", "http://shop.example/item/1", 0.95, AlertSeverity.High, Day.AddHours(3));
        await StoredAlertAsync(temporary, "l2", "http://shop.example/item/2", 0.91, AlertSeverity.High, Day.AddDays(1).AddHours(1));
        await store.SaveSubscriptionAsync(new Subscription("ivory-high", DigestSubscription.FilterJson(IvoryHigh.Filter), Day));
        await store.SaveSubscriptionAsync(new Subscription("pangolins", DigestSubscription.FilterJson(new AlertFilter(SpeciesGroup: "pangolins")), Day));
        await using var server = new LoopbackSmtpServer();
        var smtp = EmailSenderTests.Options(server.Port);
        smtp.Recipients["ivory-high"] = "desk@example.org";
        smtp.Recipients["pangolins"] = "other@example.org";
        var email = new EmailSender(Microsoft.Extensions.Options.Options.Create(smtp), store, TimeProvider.System, NullLogger<EmailSender>.Instance);
        var service = new AlertDigestService(store, Microsoft.Extensions.Options.Options.Create(new DigestOptions()), email);

        var digests = await service.BuildForDayAsync(DateOnly.FromDateTime(Day.UtcDateTime));
        var sent = await service.SendForDayAsync(DateOnly.FromDateTime(Day.UtcDateTime));
        var again = await service.SendForDayAsync(DateOnly.FromDateTime(Day.UtcDateTime));

        Assert.That(digests.Select(d => (d.Subscription, d.Entries.Count)), Is.EquivalentTo(new[] { ("ivory-high", 1), ("pangolins", 0) }));
        Assert.That((sent, again), Is.EqualTo((1, 0)), "the empty digest is not sent; a second run sends nothing again");
        Assert.That(server.Messages.Single().Recipients, Is.EqualTo(new[] { "desk@example.org" }));
        Assert.That(server.Messages.Single().Data, Does.Contain("ivory-high: 1 alert(s) on 2026-11-28").And.Contain("Title l1"));
    }

    private static async Task StoredAlertAsync(TemporaryStore temporary, string id, string url, double score, AlertSeverity severity, DateTimeOffset at)
    {
        var capture = await temporary.CaptureAsync("c1", url, "<html></html>");
        await temporary.Store.CompleteExtractionAsync(capture.CaptureId, new Listing(id, "c1", capture.CaptureId, url, "Title " + id, "d", null, null, null, [], [], at));
        await temporary.Store.AddScoreAsync(new Score(id, "c1", "m1", score, at));
        await temporary.Store.DecideAlertAsync(id, "m1", new Alert("a-" + id, id, "c1", score, 0.5, "m1", severity, "elephants", "shop.example", at));
    }

    private static DigestEntry Entry(string id, double score, AlertSeverity severity, string species, string? country, string title) =>
        new(new Alert(id, "l-" + id, "c1", score, 0.5, "m1", severity, species, "shop.example", Day.AddHours(1)), $"http://shop.example/{id}", title, country);

    private static AlertRaised AsRaised(DigestEntry e) =>
        new(Guid.Empty, "c1", e.Alert.Id, e.Alert.ListingId, e.Url, e.Title, e.Alert.Score, "m1", e.Alert.Severity, e.Alert.SpeciesGroup, e.Alert.Platform, e.Alert.RaisedAt, e.Country);
}
