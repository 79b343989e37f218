using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>Chromium's contexts reach the network only through their capture proxy: HTTPS, loopback and WebSockets included.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class CaptureProxyBrowserTests : BrowserTestBase
{
    private static ProxiedResponse Html(string body) =>
        new(200, "OK", [KeyValuePair.Create("Content-Type", "text/html; charset=utf-8")], Encoding.UTF8.GetBytes(body));

    [Test]
    public async Task An_https_page_is_served_to_the_browser_through_the_proxy_that_terminates_its_tls()
    {
        var seen = new ConcurrentQueue<Uri>();
        var shown = await Browser.WithPageAsync("shop.example", async (page, _) =>
        {
            using var attached = Browser.ProxyOf(page).Attach((request, _) =>
            {
                seen.Enqueue(request.Url);
                return Task.FromResult(request.Url.AbsolutePath == "/item/1"
                    ? Html("<!DOCTYPE html><h1>Carved horn</h1><script>document.title = location.protocol + ' ' + isSecureContext</script>")
                    : ProxiedResponse.Refused(404, "not here"));
            });
            await page.GotoAsync("https://shop.example/item/1");
            return (await page.TitleAsync(), await page.TextContentAsync("h1"));
        });

        Assert.Multiple(() =>
        {
            Assert.That(shown, Is.EqualTo(("https: true", "Carved horn")));
            Assert.That(seen, Does.Contain(new Uri("https://shop.example/item/1")));
        });
    }

    [Test]
    public async Task Loopback_addresses_are_not_bypassed()
    {
        var port = UnusedPort();
        var seen = new ConcurrentQueue<Uri>();
        var text = await Browser.WithPageAsync("127.0.0.9", async (page, _) =>
        {
            using var attached = Browser.ProxyOf(page).Attach((request, _) =>
            {
                seen.Enqueue(request.Url);
                return Task.FromResult(Html("<p>answered by the proxy</p>"));
            });
            // Nothing listens there: only the proxy can answer.
            await page.GotoAsync($"http://127.0.0.9:{port}/");
            return await page.TextContentAsync("p");
        });

        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo("answered by the proxy"));
            Assert.That(seen, Does.Contain(new Uri($"http://127.0.0.9:{port}/")));
        });
    }

    [Test]
    public async Task A_pages_websocket_is_refused_and_never_reaches_the_capture()
    {
        var port = UnusedPort();
        var seen = new ConcurrentQueue<Uri>();
        var outcome = await Browser.WithPageAsync("127.0.0.9", async (page, _) =>
        {
            using var attached = Browser.ProxyOf(page).Attach((request, _) =>
            {
                seen.Enqueue(request.Url);
                return Task.FromResult(Html("<p>page</p>"));
            });
            await page.GotoAsync($"http://127.0.0.9:{port}/");
            return await page.EvaluateAsync<string>(
                """
                () => new Promise(resolve => {
                  const socket = new WebSocket(`ws://${location.host}/live`);
                  socket.onopen = () => resolve('open');
                  socket.onclose = () => resolve('closed');
                })
                """);
        });

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo("closed"));
            Assert.That(seen.Select(u => u.AbsolutePath), Has.None.EqualTo("/live"));
        });
    }

    private static int UnusedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Test]
    public async Task Each_context_has_its_own_proxy()
    {
        var options = BaseOptions();
        options.MaxConcurrentPages = 2;
        await using var browser = new BrowserSession(Options.Create(options));
        var a = await browser.WithPageAsync("a.test", (page, _) => Task.FromResult(browser.ProxyOf(page).Address));
        var b = await browser.WithPageAsync("b.test", (page, _) => Task.FromResult(browser.ProxyOf(page).Address));

        Assert.That(a, Is.Not.EqualTo(b));
    }
}
