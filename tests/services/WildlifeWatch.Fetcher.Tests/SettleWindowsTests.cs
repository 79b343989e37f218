using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Fetcher.Tests;

public sealed class SettleWindowsTests
{
    private static readonly TimeSpan Full = TimeSpan.FromMilliseconds(200);

    private static SettleWindows Windows(int min = 50, int recheck = 10, int? recheckMax = null) =>
        new(new FetcherOptions { NetworkQuietMs = 200, NetworkQuietMinMs = min, NetworkQuietRecheckPages = recheck, NetworkQuietRecheckMaxPages = recheckMax ?? recheck });

    private static void Sample(SettleWindows windows, string template, params int[] pausesMs)
    {
        foreach (var pause in pausesMs)
        {
            var (quiet, full) = windows.Next(template);
            Assert.That((quiet, full), Is.EqualTo((Full, true)), "a learning page waits the full window");
            windows.Observe(template, TimeSpan.FromMilliseconds(pause), full, quiet);
        }
    }

    /// <summary>Visits <paramref name="pages"/> pages of a template whose every page pauses <paramref name="pauseMs"/>; the samples' page numbers.</summary>
    private static List<int> Visit(SettleWindows windows, string template, int pages, int pauseMs = 10)
    {
        var samples = new List<int>();
        for (var page = 1; page <= pages; page++)
        {
            var (quiet, full) = windows.Next(template);
            if (full)
            {
                samples.Add(page);
            }

            windows.Observe(template, TimeSpan.FromMilliseconds(pauseMs), full, quiet);
        }

        return samples;
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
            var (quiet, full) = windows.Next("shop.example/item");
            seen.Add(full);
            // The site changed: its pages now pause before fetching. Only the full-window pages can see it.
            windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(full ? 150 : 10), full, quiet);
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen.Count(f => f), Is.EqualTo(1), "one page in five re-checks");
            Assert.That(windows.Current("shop.example/item"), Is.EqualTo(TimeSpan.FromMilliseconds(50)), "one long sample of four is not yet the median");
        });
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(150), full: true, Full);
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(150), full: true, Full);
        Assert.That(windows.Current("shop.example/item"), Is.EqualTo(Full), "half the samples now pause: the window is full again");
    }

    [Test]
    public void Samples_that_fit_the_window_come_half_as_often_each_time_up_to_the_maximum()
    {
        var windows = Windows(recheck: 5, recheckMax: 20);

        var samples = Visit(windows, "shop.example/item", 80);

        // The first 3 pages, then intervals of 5, 10, 20 and 20 again: 10 ms pauses fit the 50 ms window with room.
        Assert.That(samples, Is.EqualTo(new[] { 1, 2, 3, 8, 18, 38, 58, 78 }));
    }

    [Test]
    public void With_the_maximum_at_the_first_interval_samples_stay_evenly_spaced()
    {
        var windows = Windows(recheck: 5);

        var samples = Visit(windows, "shop.example/item", 30);

        Assert.That(samples, Is.EqualTo(new[] { 1, 2, 3, 8, 13, 18, 23, 28 }));
    }

    [Test]
    public void A_sample_whose_pause_comes_close_to_the_window_brings_the_first_interval_back()
    {
        var windows = Windows(recheck: 5, recheckMax: 40);
        Assert.That(Visit(windows, "shop.example/item", 37), Is.EqualTo(new[] { 1, 2, 3, 8, 18 }));
        var (quiet, full) = windows.Next("shop.example/item");
        Assert.That(full, Is.True, "page 38 is a sample");

        // A 40 ms pause: within the 50 ms window, but too close to it (0.75 of it is 37.5 ms).
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(40), full, quiet);

        // Pages 39 to 53: 5 pages to the next sample, which fits again and doubles the interval to 10.
        Assert.That(Visit(windows, "shop.example/item", 15).Select(p => p + 38), Is.EqualTo(new[] { 43, 53 }));
    }

    [Test]
    public void A_page_whose_pause_nearly_outlasted_its_shorter_window_makes_the_next_page_a_sample()
    {
        var windows = Windows(recheck: 5, recheckMax: 80);
        Visit(windows, "shop.example/item", 20);
        var (quiet, full) = windows.Next("shop.example/item");
        Assert.That((quiet, full), Is.EqualTo((TimeSpan.FromMilliseconds(50), false)), "page 21 waits the learned 50 ms");

        // Its script paused 40 ms between two requests: 0.8 of its window.
        windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(40), full, quiet);

        // Page 22 re-checks, and the interval starts from 5 again (doubled to 10 by that sample, which fits).
        Assert.That(Visit(windows, "shop.example/item", 11).Select(p => p + 21), Is.EqualTo(new[] { 22, 32 }));
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
            var (quiet, full) = windows.Next("shop.example/item");
            windows.Observe("shop.example/item", TimeSpan.FromMilliseconds(5), full, quiet);
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
    public void A_maximum_interval_below_the_first_is_refused_at_start()
    {
        var options = new FetcherOptions { NetworkQuietRecheckPages = 20, NetworkQuietRecheckMaxPages = 10 };
        var results = new List<ValidationResult>();

        Assert.Multiple(() =>
        {
            Assert.That(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true), Is.False);
            Assert.That(results.Single().ErrorMessage, Does.Contain("NetworkQuietRecheckMaxPages (10) must not be below NetworkQuietRecheckPages (20)"));
        });
    }

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
