namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The learned quiet windows in a real Chromium: a template that pauses keeps its wait, one that does not loses it.</summary>
public sealed class AdaptiveSettleTests : BrowserTestBase
{
    private BrowserPageLoader Loader(int fullMs)
    {
        var options = BaseOptions();
        options.NetworkQuietMs = fullMs;
        options.NetworkQuietMinMs = 20;
        return Loader(options);
    }

    [Test]
    public async Task A_page_whose_script_fetches_after_a_pause_is_rendered_on_every_visit()
    {
        // The fixture's script waits 120 ms after load before it fetches the listing: the samples see that pause.
        var loader = Loader(fullMs: 200);
        var url = Site.Url("/js-listing");
        for (var visit = 1; visit <= SettleWindows.FirstFullPages + 3; visit++)
        {
            var page = await loader.LoadAsync(url, null, null, CancellationToken.None);
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase), $"visit {visit}");
        }

        Assert.That(loader.SettleWindowFor(url), Is.EqualTo(TimeSpan.FromMilliseconds(200)));
    }

    [Test]
    public async Task A_pause_before_load_does_not_lengthen_the_wait_after_it()
    {
        // The quiet is only waited for after load; a long parse before it says nothing about the page's scripts after.
        var loader = Loader(fullMs: 1000);
        var url = Site.Url("/parse-pause");
        for (var visit = 1; visit <= SettleWindows.FirstFullPages; visit++)
        {
            await loader.LoadAsync(url, null, null, CancellationToken.None);
        }

        Assert.That(loader.SettleWindowFor(url), Is.LessThan(TimeSpan.FromMilliseconds(150)));
    }

    [Test]
    public async Task A_page_that_loads_without_pausing_waits_less_once_sampled()
    {
        var loader = Loader(fullMs: 1000);
        var url = Site.Url("/anchors");
        for (var visit = 1; visit <= SettleWindows.FirstFullPages; visit++)
        {
            await loader.LoadAsync(url, null, null, CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(loader.SettleWindowFor(url), Is.LessThan(TimeSpan.FromMilliseconds(1000)));
            Assert.That(loader.SettleWindowFor(Site.Url("/js-listing")), Is.EqualTo(TimeSpan.FromMilliseconds(1000)), "another template learns apart");
        });
    }
}
