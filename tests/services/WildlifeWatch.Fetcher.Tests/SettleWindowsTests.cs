using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Fetcher.Tests;

public sealed class SettleWindowsTests
{
    private static readonly TimeSpan Full = TimeSpan.FromMilliseconds(200);

    private static SettleWindows Windows(int min = 50, int recheck = 10) =>
        new(new FetcherOptions { NetworkQuietMs = 200, NetworkQuietMinMs = min, NetworkQuietRecheckPages = recheck });

    private static void Sample(SettleWindows windows, string template, params int[] pausesMs)
    {
        foreach (var pause in pausesMs)
        {
            var (quiet, full) = windows.Next(template);
            Assert.That((quiet, full), Is.EqualTo((Full, true)), "a learning page waits the full window");
            windows.Observe(template, TimeSpan.FromMilliseconds(pause), full);
        }
    }

    [Test]
    public void A_template_waits_the_full_window_until_its_first_pages_were_sampled()
    {
        var windows = Windows();
        Sample(windows, "shop.example/item", 10, 10);

        Assert.That(windows.Current("shop.example/item"), Is.EqualTo(Full));
        Sample(windows, "shop.example/item", 10);
        Assert.That(windows.Current("shop.example/item"), Is.EqualTo(TimeSpan.FromMilliseconds(50)), "twice 10 ms plus the margin, raised to the minimum");
    }

    [Test]
    public void Short_pauses_shrink_the_window_to_twice_their_median_plus_a_margin()
    {
        var windows = Windows(min: 20);
        Sample(windows, "shop.example/item", 30, 400, 35);

        var (quiet, full) = windows.Next("shop.example/item");
        Assert.Multiple(() =>
        {
            Assert.That(full, Is.False);
            Assert.That(quiet, Is.EqualTo(TimeSpan.FromMilliseconds(90)), "median 35 ms: one cold page's long pause does not set it");
        });
    }

    [Test]
    public void A_template_whose_scripts_pause_keeps_the_full_window()
    {
        var windows = Windows();
        Sample(windows, "shop.example/search", 150, 160, 155);

        Assert.That(windows.Next("shop.example/search"), Is.EqualTo((Full, false)));
    }

    [Test]
    public void Every_nth_page_waits_the_full_window_again_and_what_it_sees_counts()
    {
        var windows = Windows(recheck: 5);
        Sample(windows, "shop.example/item", 10, 10, 10);
        var seen = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            var (_, full) = windows.Next("shop.example/item");
            seen.Add(full);
            // The site changed: its pages now pause before fetching. Only the full-window pages can see it.
            windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(full ? 150 : 10), full);
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen.Count(f => f), Is.EqualTo(1), "one page in five re-checks");
            Assert.That(windows.Current("shop.example/item"), Is.EqualTo(TimeSpan.FromMilliseconds(50)), "one long sample of four is not yet the median");
        });
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(150), full: true);
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(150), full: true);
        Assert.That(windows.Current("shop.example/item"), Is.EqualTo(Full), "half the samples now pause: the window is full again");
    }

    [Test]
    public void Templates_learn_apart()
    {
        var windows = Windows();
        Sample(windows, "shop.example/item", 10, 10, 10);

        Assert.Multiple(() =>
        {
            Assert.That(windows.Current("shop.example/search"), Is.EqualTo(Full));
            Assert.That(windows.Current("other.example/item"), Is.EqualTo(Full));
        });
    }

    [Test]
    public void With_the_minimum_at_the_full_window_nothing_is_learned()
    {
        var windows = Windows(min: 200);
        for (var i = 0; i < 20; i++)
        {
            windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(5), windows.Next("shop.example/item").Full);
        }

        Assert.That(windows.Next("shop.example/item"), Is.EqualTo((Full, true)));
    }

    [TestCase("https://Shop.Example/item/123?x=1", "shop.example/item")]
    [TestCase("https://shop.example/item", "shop.example/item")]
    [TestCase("https://shop.example/", "shop.example/")]
    [TestCase("https://shop.example/search?q=ivory", "shop.example/search")]
    [TestCase("https://bücher.example/item/1", "xn--bcher-kva.example/item")]
    public void A_template_is_the_host_and_the_first_path_segment(string url, string template) =>
        Assert.That(SettleWindows.TemplateOf(new Uri(url)), Is.EqualTo(template));

    [Test]
    public void A_minimum_above_the_full_window_is_refused_at_start()
    {
        var options = new FetcherOptions { NetworkQuietMs = 100, NetworkQuietMinMs = 150 };
        var results = new List<ValidationResult>();

        Assert.Multiple(() =>
        {
            Assert.That(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true), Is.False);
            Assert.That(results.Single().ErrorMessage, Does.Contain("NetworkQuietMinMs (150) must not exceed NetworkQuietMs (100)"));
        });
    }
}
