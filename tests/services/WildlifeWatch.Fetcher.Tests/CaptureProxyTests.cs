using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The capture proxy, driven by an HTTP client and by hand-written requests: no browser, no server behind it.</summary>
[TestFixture]
public sealed class CaptureProxyTests
{
    private CaptureProxy _proxy = null!;
    private ConcurrentQueue<ProxiedRequest> _seen = null!;

    [SetUp]
    public void StartProxy()
    {
        _proxy = new CaptureProxy(maxRequestBytes: 1024);
        _seen = new ConcurrentQueue<ProxiedRequest>();
    }

    [TearDown]
    public async Task StopProxy() => await _proxy.DisposeAsync();

    private IDisposable AttachEcho() => _proxy.Attach((request, _) =>
    {
        _seen.Enqueue(request);
        return Task.FromResult(new ProxiedResponse(
            200, "OK", [KeyValuePair.Create("Content-Type", "text/plain"), KeyValuePair.Create("X-Seen", request.Url.AbsoluteUri)],
            Encoding.UTF8.GetBytes($"{request.Method} {request.Url} {Encoding.UTF8.GetString(request.Body)}")));
    });

    private HttpClient Client() => new(new HttpClientHandler
    {
        Proxy = new WebProxy(_proxy.Address),
        UseProxy = true,
        // The proxy's certificate is its own making: the browser is told to accept it, and so is this client.
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    });

    [Test]
    public void The_proxy_listens_on_loopback() =>
        Assert.That(IPAddress.Parse(_proxy.Address.Host), Is.EqualTo(IPAddress.Loopback));

    [Test]
    public async Task A_plain_http_request_reaches_the_attached_handler_with_its_absolute_url_and_body()
    {
        using var attached = AttachEcho();
        using var client = Client();

        using var response = await client.PostAsync("http://shop.example/api/items?q=ivory", new StringContent("hello"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("POST http://shop.example/api/items?q=ivory hello"));
            Assert.That(_seen.Single().Header("content-type"), Does.StartWith("text/plain"));
        });
    }

    [Test]
    public async Task An_https_request_is_tunnelled_terminated_here_and_reaches_the_handler_as_https()
    {
        using var attached = AttachEcho();
        using var client = Client();

        var first = await client.GetStringAsync("https://shop.example:8443/item/1");
        var second = await client.GetStringAsync("https://shop.example:8443/item/2");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("GET https://shop.example:8443/item/1 "));
            Assert.That(second, Is.EqualTo("GET https://shop.example:8443/item/2 "));
        });
    }

    [Test]
    public async Task Without_an_attached_capture_requests_are_refused_with_502()
    {
        using var client = Client();

        using var response = await client.GetAsync("http://shop.example/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
    }

    [Test]
    public async Task A_detached_capture_no_longer_answers()
    {
        using var client = Client();
        using (AttachEcho())
        {
            Assert.That((await client.GetAsync("http://shop.example/a")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That((await client.GetAsync("http://shop.example/b")).StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
    }

    [Test]
    public async Task A_fault_in_the_capture_fails_only_its_request()
    {
        using var client = Client();
        using (_proxy.Attach((_, _) => throw new InvalidOperationException("bug")))
        {
            Assert.That((await client.GetAsync("http://shop.example/a")).StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        }

        using var attached = AttachEcho();
        Assert.That((await client.GetAsync("http://shop.example/b")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the proxy still serves");
    }

    [Test]
    public void Only_one_capture_can_be_attached_at_a_time()
    {
        using var attached = AttachEcho();

        Assert.Throws<InvalidOperationException>(() => AttachEcho());
    }

    [Test]
    public async Task Requests_on_one_kept_alive_connection_are_answered_in_turn()
    {
        using var attached = AttachEcho();

        var answer = await RawAsync(
            "GET http://shop.example/one HTTP/1.1\r\nHost: shop.example\r\n\r\n" +
            "GET http://shop.example/two HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.Contain("GET http://shop.example/one").And.Contain("GET http://shop.example/two"));
            Assert.That(_seen.Select(r => r.Url.AbsolutePath), Is.EqualTo(new[] { "/one", "/two" }));
        });
    }

    [Test]
    public async Task A_chunked_request_body_is_read_whole()
    {
        using var attached = AttachEcho();

        var answer = await RawAsync(
            "POST http://shop.example/form HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");

        Assert.That(answer, Does.EndWith("POST http://shop.example/form hello world"));
    }

    [TestCase("NONSENSE\r\n\r\n", TestName = "A_request_line_that_is_not_http_is_answered_400")]
    [TestCase("GET /relative HTTP/1.1\r\nHost: shop.example\r\n\r\n", TestName = "A_relative_target_outside_a_tunnel_is_answered_400")]
    [TestCase("POST http://shop.example/ HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", TestName = "A_request_body_over_the_bound_is_answered_400")]
    [TestCase("GET http://shop.example/ HTTP/1.1\r\nno colon here\r\n\r\n", TestName = "A_malformed_header_is_answered_400")]
    public async Task Malformed_requests_are_answered_400_without_reaching_the_handler(string request)
    {
        using var attached = AttachEcho();

        var answer = await RawAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.StartWith("HTTP/1.1 400 "));
            Assert.That(_seen, Is.Empty);
        });
    }

    [Test]
    public async Task A_websocket_upgrade_is_refused_with_403()
    {
        using var attached = AttachEcho();

        var answer = await RawAsync("GET http://shop.example/socket HTTP/1.1\r\nHost: shop.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.StartWith("HTTP/1.1 403 "));
            Assert.That(_seen, Is.Empty);
        });
    }

    [Test]
    public async Task A_plain_websocket_through_connect_is_refused_with_403()
    {
        using var attached = AttachEcho();

        var answer = await RawAsync(
            "CONNECT shop.example:80 HTTP/1.1\r\nHost: shop.example:80\r\n\r\n",
            "GET /socket HTTP/1.1\r\nHost: shop.example\r\nUpgrade: websocket\r\n\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.StartWith("HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 403 "));
            Assert.That(_seen, Is.Empty);
        });
    }

    /// <summary>Writes <paramref name="first"/>, then (once the proxy has answered) <paramref name="then"/>; returns all it answered.</summary>
    private async Task<string> RawAsync(string first, string? then = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _proxy.Address.Port);
        await using var stream = new NetworkStream(socket);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var read = new MemoryStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(first), bound.Token);
        if (then is not null)
        {
            // As a browser does: the tunnel's first bytes only after the proxy said it is open.
            var one = new byte[1];
            while (!Encoding.Latin1.GetString(read.ToArray()).EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                await stream.ReadExactlyAsync(one, bound.Token);
                read.Write(one);
            }

            await stream.WriteAsync(Encoding.Latin1.GetBytes(then), bound.Token);
        }

        await stream.CopyToAsync(read, bound.Token);
        return Encoding.Latin1.GetString(read.ToArray());
    }
}
