namespace WildlifeWatch.Fetcher.Tests;

public sealed class EarlyCapturesTests
{
    private const string Item = "shop.example/item";

    private static EarlyCaptures Policy(int recheck = 10, bool on = true) =>
        new(new FetcherOptions { NetworkQuietRecheckPages = recheck, CaptureEarly = on });

    [Test]
    public void A_template_stops_trying_after_two_discarded_early_captures_in_a_row()
    {
        var policy = Policy();
        var tried = new List<bool>();
        for (var page = 1; page <= 4; page++)
        {
            var tries = policy.ShouldTry(Item);
            tried.Add(tries);
            if (tries)
            {
                policy.Observe(Item, kept: false);
            }
        }

        Assert.That(tried, Is.EqualTo(new[] { true, true, false, false }));
    }

    [Test]
    public void A_paused_template_tries_again_on_its_recheck_page_and_resumes_when_kept()
    {
        var policy = Policy(recheck: 5);
        for (var page = 1; page <= 2; page++)
        {
            policy.ShouldTry(Item);
            policy.Observe(Item, kept: false);
        }

        var paused = new[] { policy.ShouldTry(Item), policy.ShouldTry(Item) };
        var recheck = policy.ShouldTry(Item);
        policy.Observe(Item, kept: true);

        Assert.Multiple(() =>
        {
            Assert.That(paused, Is.EqualTo(new[] { false, false }), "pages 3 and 4");
            Assert.That(recheck, Is.True, "page 5 is the recheck");
            Assert.That(policy.ShouldTry(Item), Is.True, "kept again: back to trying on every page");
        });
    }

    [Test]
    public void A_discard_between_kept_captures_does_not_stop_a_template()
    {
        var policy = Policy();
        foreach (var kept in new[] { false, true, false, true, false })
        {
            Assert.That(policy.ShouldTry(Item), Is.True);
            policy.Observe(Item, kept);
        }

        Assert.That(policy.ShouldTry(Item), Is.True);
    }

    [Test]
    public void Templates_learn_apart()
    {
        var policy = Policy();
        for (var page = 1; page <= 2; page++)
        {
            policy.ShouldTry(Item);
            policy.Observe(Item, kept: false);
        }

        Assert.Multiple(() =>
        {
            Assert.That(policy.ShouldTry(Item), Is.False);
            Assert.That(policy.ShouldTry("shop.example/search"), Is.True);
        });
    }

    [Test]
    public void Turned_off_no_template_tries()
    {
        Assert.That(Policy(on: false).ShouldTry(Item), Is.False);
    }
}
