using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WildlifeWatch.Fetcher;

/// <summary>One request a page made, as its browser sent it to the capture proxy.</summary>
public sealed record ProxiedRequest(Uri Url, string Method, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => HttpWire.Header(Headers, name);
}

/// <summary>What the proxy sends the browser back.</summary>
public sealed record ProxiedResponse(int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>A refusal the page sees as an HTTP error; the reason is for whoever reads the page's traffic.</summary>
    public static ProxiedResponse Refused(int status, string reason) =>
        new(status, status switch { 400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", _ => "Bad Gateway" }, [KeyValuePair.Create("Content-Type", "text/plain; charset=utf-8"), KeyValuePair.Create("Cache-Control", "no-store")],
            System.Text.Encoding.UTF8.GetBytes(reason));
}

/// <summary>
/// An HTTP forward proxy on loopback for one browser context. Chromium sends it every request of the context's pages
/// (plain HTTP in absolute form; HTTPS through CONNECT, terminated here with a certificate from
/// <see cref="ProxyCertificates"/>), and the handler the current capture attached answers each one. A proxy replaces
/// per-request interception through the Playwright driver: a request then costs a loopback round trip instead of
/// several messages between Chromium, the driver and this process.
/// </summary>
public sealed class CaptureProxy : IAsyncDisposable
{
    private static readonly ProxiedResponse WebSocketRefused = ProxiedResponse.Refused(403, "WebSockets are not carried by the fetcher");

    private readonly TcpListener _listener;
    private readonly long _maxRequestBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _connections = [];
    private readonly Task _accepting;
    private Func<ProxiedRequest, CancellationToken, Task<ProxiedResponse>>? _handler;

    public CaptureProxy(long maxRequestBytes, ILogger? logger = null)
    {
        _maxRequestBytes = maxRequestBytes;
        _logger = logger ?? NullLogger.Instance;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>Where the browser context is told its proxy is.</summary>
    public Uri Address { get; }

    /// <summary>Hands the context's requests to <paramref name="handler"/> until the result is disposed; unattached, requests are refused.</summary>
    public IDisposable Attach(Func<ProxiedRequest, CancellationToken, Task<ProxiedResponse>> handler)
    {
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("a capture is already attached to this proxy");
        }

        return new Detach(this, handler);
    }

    private sealed class Detach(CaptureProxy proxy, Func<ProxiedRequest, CancellationToken, Task<ProxiedResponse>> handler) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref proxy._handler, null, handler);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(socket);
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ServeRequestsAsync(socket, stream, new HttpWireReader(stream), origin: null, _stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The browser closed the connection, or the proxy is stopping.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(socket);
            }

            socket.Dispose();
        }
    }

    /// <summary>
    /// The requests of one connection: absolute http URLs and CONNECT on the browser's own connection
    /// (<paramref name="origin"/> null), origin-form requests inside a tunnel to <paramref name="origin"/>.
    /// </summary>
    private async Task ServeRequestsAsync(Socket socket, Stream stream, HttpWireReader reader, Uri? origin, CancellationToken ct)
    {
        try
        {
            while (await reader.ReadHeadAsync(ct) is { } head)
            {
                var (method, target, version, headers) = HttpWire.ParseRequest(head);
                Uri? url;
                if (origin is null && method == "CONNECT")
                {
                    await TunnelAsync(socket, stream, reader, target, ct);
                    return;
                }

                if (origin is null
                    ? !Uri.TryCreate(target, UriKind.Absolute, out url) || url.Scheme != Uri.UriSchemeHttp
                    : !target.StartsWith('/') || !Uri.TryCreate(origin, target, out url))
                {
                    throw new ProxyProtocolException($"a request for '{target}' (the proxy takes absolute http URLs, CONNECT, and paths in a tunnel)");
                }

                if (!await ExchangeAsync(stream, reader, method, url, version, headers, ct))
                {
                    return;
                }
            }
        }
        catch (ProxyProtocolException e)
        {
            _logger.LogDebug("Capture proxy refused a connection: {Reason}", e.Message);
            await stream.WriteAsync(Message(ProxiedResponse.Refused(400, e.Message), headRequest: false, close: true), ct);
        }
    }

    /// <summary>Answers CONNECT, then serves the tunnel's requests itself: TLS terminated here, anything else refused.</summary>
    private async Task TunnelAsync(Socket socket, Stream stream, HttpWireReader reader, string authority, CancellationToken ct)
    {
        if (!Uri.TryCreate($"https://{authority}", UriKind.Absolute, out var origin) || origin.PathAndQuery != "/" || !reader.IsDrained)
        {
            throw new ProxyProtocolException($"bad CONNECT target '{authority}'");
        }

        await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), ct);
        var first = new byte[1];
        if (await socket.ReceiveAsync(first, SocketFlags.Peek, ct) == 0)
        {
            return;
        }

        if (first[0] != 0x16)
        {
            // Not a TLS handshake: a ws:// WebSocket tunnelled through the proxy. The fetcher carries no WebSockets.
            if (await reader.ReadHeadAsync(ct) is not null)
            {
                await stream.WriteAsync(Message(WebSocketRefused, headRequest: false, close: true), ct);
            }

            return;
        }

        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = ProxyCertificates.For(origin.Host),
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            },
            ct);
        await ServeRequestsAsync(socket, tls, new HttpWireReader(tls), origin, ct);
    }

    /// <summary>One request and its answer; false when the connection is to close after it.</summary>
    private async Task<bool> ExchangeAsync(Stream stream, HttpWireReader reader, string method, Uri url, string version, List<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        var body = await reader.ReadBodyAsync(headers, _maxRequestBytes, ct);
        var close = version == "HTTP/1.0" || HttpWire.Header(headers, "connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;
        ProxiedResponse response;
        if (HttpWire.Header(headers, "upgrade") is not null)
        {
            response = WebSocketRefused;
            close = true;
        }
        else if (Volatile.Read(ref _handler) is { } handler)
        {
            try
            {
                response = await handler(new ProxiedRequest(url, method, headers, body), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A fault in the capture fails this one request, as a network error would; the page carries on.
                _logger.LogWarning(e, "Capture proxy: answering {Url} failed", url);
                response = ProxiedResponse.Refused(502, "the capture could not answer this request");
            }
        }
        else
        {
            response = ProxiedResponse.Refused(502, "no capture is running in this browser context");
        }

        await stream.WriteAsync(Message(response, method == "HEAD", close), ct);
        return !close;
    }

    private static byte[] Message(ProxiedResponse response, bool headRequest, bool close) =>
        HttpWire.Response(response.Status, response.Reason, response.Headers, response.Body, headRequest, close);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var socket in _connections)
            {
                socket.Dispose();
            }
        }

        await _accepting;
        _stopping.Dispose();
    }
}
