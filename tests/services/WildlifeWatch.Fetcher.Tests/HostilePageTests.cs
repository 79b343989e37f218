using System.Diagnostics;
using System.Text;
using System.Text.Json;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>
/// Pages built to exhaust a crawler. Each must end in a recorded outcome within its bound (generous here: a hang
/// is what is tested, not speed), and the fetcher must capture the next page normally afterwards.
/// </summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class HostilePageTests : BrowserTestBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(25);
    private int _next;

    [Test]
    public async Task Infinite_script_loop_ends_in_a_recorded_error_and_the_worker_goes_on()
    {
        var reason = await FailureAsync("/infinite-loop", RenderMode.Browser, o => o.NavigationTimeoutMs = 3000);

        Assert.That(reason, Does.Contain("did not finish loading").And.Contain("3000 ms"));
        await AssertNextPageIsCapturedAsync(RenderMode.Browser);
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Fifty_megabyte_page_is_cut_at_the_document_limit(string mode)
    {
        var reason = await FailureAsync("/huge", mode, o => o.MaxDocumentBytes = 2 * 1024 * 1024);

        Assert.That(reason, Does.Contain("exceeds the 2097152-byte limit"));
        await AssertNextPageIsCapturedAsync(mode);
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Redirect_loop_ends_after_the_redirect_limit(string mode)
    {
        var before = Site.TimesOf("/redirect-loop/").Count;

        var reason = await FailureAsync("/redirect-loop/0", mode, o => o.MaxRedirects = 4);

        Assert.Multiple(() =>
        {
            Assert.That(reason, Does.Contain("more than 4 redirects"));
            Assert.That(Site.TimesOf("/redirect-loop/").Count - before, Is.EqualTo(5), "the first request and four redirects");
        });
        await AssertNextPageIsCapturedAsync(mode);
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task A_redirect_to_a_malformed_address_is_a_recorded_failure(string mode)
    {
        var reason = await FailureAsync("/bad-redirect", mode);

        Assert.That(reason, Does.Contain("a redirect to a malformed address 'http://[not-an-address/'"));
        await AssertNextPageIsCapturedAsync(mode);
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Gzip_bomb_is_refused_once_it_expands_past_the_limit(string mode)
    {
        var reason = await FailureAsync("/gzip-bomb", mode, o => o.MaxDocumentBytes = 4 * 1024 * 1024);

        Assert.That(reason, Does.Contain("gzip-decoded body").And.Contain("exceeds the 4194304-byte limit"));
        await AssertNextPageIsCapturedAsync(mode);
    }

    [Test]
    public async Task Image_decompression_bomb_is_refused_and_recorded_while_the_page_is_captured()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/bomb-image-page"), publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        var warnings = manifest.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Exactly(1).Contains("/bomb.png").And.Contains("60000x60000").And.Contains("decompression bomb"));
            Assert.That(warnings, Has.None.Contains("/small.png"), "a normal image is kept");
            Assert.That(Site.CountOf("/small.png"), Is.EqualTo(1));
        });
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Binary_served_as_html_is_recorded_and_skipped(string mode)
    {
        var reason = await FailureAsync("/binary-as-html", mode);

        Assert.That(reason, Does.Contain("binary content served as text/html"));
        await AssertNextPageIsCapturedAsync(mode);
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Broken_utf8_is_decoded_with_replacement_characters_and_noted(string mode)
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/broken-utf8", renderMode: mode), publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        var text = Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.TextSha256))!);
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Pangolin scales").And.Contain("50 kg").And.Contain("\uFFFD"));
            Assert.That(manifest.RootElement.GetProperty("warnings")[0].GetString(), Does.Contain("malformed UTF-8"));
        });
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Redirect_to_the_cloud_metadata_address_is_refused(string mode)
    {
        var reason = await FailureAsync("/private-redirect", mode);

        Assert.That(reason, Does.Contain("refused 169.254.169.254").And.Contain("link-local"));
        await AssertNextPageIsCapturedAsync(mode);
    }

    [Test]
    public async Task Sub_requests_of_a_page_to_private_addresses_are_refused_and_recorded()
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request("/private-subresources"), publisher);

        var captured = publisher.Of<PageCaptured>().Single();
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        var warnings = manifest.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Some.Contains("refused image http://169.254.169.254/").And.Contains("link-local"));
            Assert.That(warnings, Has.Some.Contains("refused fetch http://10.0.0.1/admin").And.Contains("private"));
        });
    }

    private async Task<string> FailureAsync(string path, string mode, Action<FetcherOptions>? configure = null)
    {
        var (handler, publisher) = Handler(o =>
        {
            o.RetryBaseDelayMs = 10;
            configure?.Invoke(o);
        });
        var clock = Stopwatch.StartNew();

        await handler.HandleAsync(Request(path, renderMode: mode), publisher);

        Assert.Multiple(async () =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(Bound), "ended within its bound");
            Assert.That(publisher.Of<PageCaptured>(), Is.Empty);
            Assert.That(await Store.GetCapturesAsync(CrawlId), Is.Empty);
        });
        return publisher.Of<FetchFailed>().Single().Reason;
    }

    private async Task AssertNextPageIsCapturedAsync(string mode)
    {
        var (handler, publisher) = Handler();

        await handler.HandleAsync(Request($"/plain/{900 + Interlocked.Increment(ref _next)}", renderMode: mode), publisher);

        Assert.That(publisher.Of<PageCaptured>().Single().HttpStatus, Is.EqualTo(200), "the next page is captured normally");
    }
}
