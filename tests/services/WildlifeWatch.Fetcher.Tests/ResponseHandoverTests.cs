using System.Diagnostics;
using Microsoft.Playwright;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>
/// A response the proxy relayed but the browser hands to the page's script late (a busy machine, here the browser's
/// own network throttling) is waited for, up to <see cref="FetcherOptions.ResponseHandoverMs"/>, in a real Chromium.
/// </summary>
public sealed class ResponseHandoverTests : BrowserTestBase
{
    [Test]
    public async Task A_response_handed_to_the_page_after_the_quiet_window_is_in_the_capture()
    {
        var url = Site.Url("/js-listing-now");

        var page = await WithDelayedResponsesAsync(url, () => Loader(BaseOptions()).LoadAsync(url, null, null, CancellationToken.None));

        Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase));
    }

    [Test]
    public async Task Trusting_the_quiet_window_alone_captures_the_page_before_its_response_arrives()
    {
        // The behaviour the handover check exists for: without it, the same page is captured still loading.
        var url = Site.Url("/js-listing-now");
        var options = BaseOptions();
        options.ResponseHandoverMs = 0;

        var page = await WithDelayedResponsesAsync(url, () => Loader(options).LoadAsync(url, null, null, CancellationToken.None));

        Assert.That(page.VisibleText, Does.Contain("Loading...").And.Not.Contain(FixtureSite.ScriptRenderedPhrase));
    }

    [Test]
    public async Task A_response_the_page_never_lists_is_waited_for_no_longer_than_the_handover_time()
    {
        // The page clears its timing, so its response never shows; the capture must not wait for the idle bound.
        var (page, elapsed) = await LoadWithinBoundAsync("/js-listing-forgetful", handoverMs: 1_000, delayed: true);

        Assert.Multiple(() =>
        {
            Assert.That(page.VisibleText, Does.Contain(FixtureSite.ScriptRenderedPhrase));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "given up after the handover time, not held to the idle bound");
        });
    }

    [Test]
    public async Task Requests_of_a_frame_are_not_waited_for_as_the_documents_own()
    {
        // The frame's fetch never shows in the top document's timing: followed, it would hold every such page for the
        // whole handover time.
        var (page, elapsed) = await LoadWithinBoundAsync("/framed-listing", handoverMs: 60_000, delayed: false);

        Assert.Multiple(() =>
        {
            Assert.That(page.VisibleText, Does.Contain("Framed listing"));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "captured without waiting on the frame's response");
        });
    }

    /// <summary>A capture whose network-idle bound (60 s) is far beyond what the test allows: only the handover can end it in time.</summary>
    private async Task<(PageCaptureResult Page, TimeSpan Elapsed)> LoadWithinBoundAsync(string path, int handoverMs, bool delayed)
    {
        var url = Site.Url(path);
        var options = BaseOptions();
        options.ResponseHandoverMs = handoverMs;
        options.NetworkIdleTimeoutMs = 60_000;
        var clock = Stopwatch.StartNew();
        Task<PageCaptureResult> Load() => Loader(options).LoadAsync(url, null, null, CancellationToken.None);
        var page = delayed ? await WithDelayedResponsesAsync(url, Load) : await Load();
        return (page, clock.Elapsed);
    }

    /// <summary>
    /// Runs <paramref name="load"/> with the page's responses handed to it 600 ms after they arrive (Chromium's network
    /// emulation sits between the proxy and the page), three times the quiet window.
    /// </summary>
    private async Task<PageCaptureResult> WithDelayedResponsesAsync(Uri url, Func<Task<PageCaptureResult>> load)
    {
        var cdp = await Browser.WithPageAsync(url.IdnHost, async (page, _) =>
        {
            var session = await page.Context.NewCDPSessionAsync(page);
            await session.SendAsync("Network.enable");
            await session.SendAsync("Network.emulateNetworkConditions", Conditions(latencyMs: 600));
            return session;
        });
        try
        {
            return await load();
        }
        finally
        {
            await cdp.SendAsync("Network.emulateNetworkConditions", Conditions(latencyMs: 0));
            await cdp.DetachAsync();
        }
    }

    private static Dictionary<string, object> Conditions(int latencyMs) => new()
    {
        ["offline"] = false,
        ["latency"] = latencyMs,
        ["downloadThroughput"] = -1,
        ["uploadThroughput"] = -1,
    };
}
