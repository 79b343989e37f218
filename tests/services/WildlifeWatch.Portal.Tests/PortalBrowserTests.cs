using Microsoft.Playwright;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Tests;

/// <summary>
/// The portal in a real Chromium (Debian's, as the fetcher finds it) against a loopback Kestrel: one browser for the
/// fixture, a fresh context (no cookies) per test. Without Chromium these fail with the install instructions.
/// </summary>
[Category("Chromium")]
public sealed class PortalBrowserTests
{
    private PortalTestServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IBrowserContext _context = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        string executable;
        try
        {
            executable = ChromiumLocator.Resolve(new FetcherOptions());
        }
        catch (ChromiumNotFoundException e)
        {
            Assert.Fail(e.Message);
            throw;
        }

        _server = await PortalTestServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SetUp]
    public async Task NewContext() => _context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.AbsoluteUri, AcceptDownloads = true });

    [TearDown]
    public async Task CloseContext() => await _context.DisposeAsync();

    [Test]
    public async Task An_investigator_signs_in_filters_opens_a_listing_labels_it_and_exports_its_evidence()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/alerts");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/signin"), "anonymous is sent to sign in");
        await SignInAsync(page, "ivy");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/alerts"), "back where the visitor was going");

        await page.GotoAsync("/listings");
        await page.FillAsync("input[name=minScore]", "0.85");
        await page.ClickAsync("button:has-text('Filter')");
        var titles = await page.Locator("tbody a").AllTextContentsAsync();
        Assert.That(titles, Is.EquivalentTo(new[] { "Carved ivory bangle", "Ivory chess set" }));

        await page.ClickAsync("text=Carved ivory bangle");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/listings/ivory-1"));
        Assert.That(await page.Locator("img.shot").EvaluateAsync<int>("img => img.naturalWidth"), Is.EqualTo(64), "the screenshot is shown");
        Assert.That(await page.Locator("main").TextContentAsync(), Does.Contain("Loxodonta africana").And.Contain("+84912345678").And.Contain("Pangolin scales 1kg"));

        await page.CheckAsync("input[name=verdict][value=wildlife]");
        await page.SelectOptionAsync("select[name=productType]", "ivory");
        await page.ClickAsync("button:has-text('Save label')");
        Assert.That(await page.Locator("#labels").TextContentAsync(), Does.Contain("portal:ivy"));
        var labels = await _server.Store.GetLabelsAsync("ivory-1");
        Assert.That(labels.Select(l => (l.IsWildlife, l.ProductType)), Does.Contain((true, (string?)"ivory")));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("button:has-text('Export evidence package')"));
        var path = Path.Combine(Path.GetTempPath(), $"wtw-portal-{Guid.NewGuid():N}.zip");
        try
        {
            await download.SaveAsAsync(path);
            Assert.That(download.SuggestedFilename, Is.EqualTo("evidence-ivory-1.zip"));
            await using var zip = File.OpenRead(path);
            Assert.That(EvidencePackage.Verify(zip).IsIntact, Is.True);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task An_investigator_downloads_a_takedown_report_from_the_navigation()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsync(page, "ivy");

        await page.ClickAsync("header >> text=Takedown reports");
        await page.FillAsync("input[name=platform]", PortalTestServer.Shop);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("button:has-text('Download')"));
        var path = Path.Combine(Path.GetTempPath(), $"wtw-takedown-{Guid.NewGuid():N}.csv");
        try
        {
            await download.SaveAsAsync(path);
            var lines = await File.ReadAllLinesAsync(path);
            Assert.That(download.SuggestedFilename, Does.StartWith("takedown-shop.example-").And.EndWith(".csv"));
            Assert.That(lines[0], Is.EqualTo(TakedownReport.CsvHeader));
            Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Does.Contain("http://shop.example/item/1"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task A_platform_partner_cannot_open_another_platforms_listing()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsync(page, "pat");

        var foreign = await page.GotoAsync("/listings/other-3");
        var own = await page.GotoAsync("/listings/ivory-1");
        await page.GotoAsync("/listings");
        var listed = await page.Locator("tbody a").AllTextContentsAsync();

        Assert.That(foreign!.Status, Is.EqualTo(404));
        Assert.That(own!.Status, Is.EqualTo(200));
        Assert.That(listed, Does.Not.Contain("Ivory chess set"));
        Assert.That(listed, Does.Contain("Carved ivory bangle"));
    }

    [Test]
    public async Task A_listing_whose_captured_text_is_markup_is_shown_as_text_and_runs_nothing()
    {
        var page = await _context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await page.GotoAsync("/signin");
        await SignInAsync(page, "ivy");

        await page.GotoAsync("/listings/hostile-4");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.That(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"), Is.Null, "no captured script or handler ran");
        Assert.That(dialogs, Is.Empty);
        Assert.That(await page.Locator("h1").TextContentAsync(), Is.EqualTo(PortalTestServer.HostileTitle), "the title is shown verbatim, as text");
        Assert.That(await page.Locator("pre.captured").TextContentAsync(), Is.EqualTo(PortalTestServer.HostileDescription));
        Assert.That(await page.Locator("main script, main img[src=x], main svg, main b").CountAsync(), Is.Zero, "no captured element was created");
    }

    private static async Task SignInAsync(IPage page, string name)
    {
        await page.FillAsync("input[name=name]", name);
        await page.FillAsync("input[name=password]", PortalTestServer.Password);
        await page.ClickAsync("button:has-text('Sign in')");
    }
}
