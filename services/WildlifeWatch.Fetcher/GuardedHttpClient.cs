using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The fetcher's only way onto the network, for plain HTTP captures and for every request a browser page makes:
/// each connection passes the <see cref="NetworkGuard"/> (checked on the resolved address, so DNS cannot smuggle
/// a private address past it), bodies are read up to a size bound, and content-coding is decoded up to the same
/// bound so that a small gzip cannot expand into gigabytes. Redirects are returned, never followed, so that the
/// caller counts them and every hop is checked and recorded.
/// </summary>
public sealed class GuardedHttpClient : IDisposable
{
    private static readonly HashSet<string> UnforwardedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "content-length", "accept-encoding", "user-agent",
    };

    private readonly HttpClient _client;
    private readonly NetworkGuard _guard;
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;

    public GuardedHttpClient(IOptions<FetcherOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _guard = NetworkGuard.FromOptions(_options);
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Min(_options.NavigationTimeoutMs, 15_000)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public NetworkGuard Guard => _guard;

    /// <summary>
    /// Sends one request and reads its response. <paramref name="maxBytes"/> bounds the body both as received and
    /// decoded. <paramref name="answered"/> runs when the status line arrives.
    /// </summary>
    public async Task<HttpExchange> SendAsync(
        Uri url,
        string method = "GET",
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        byte[]? body = null,
        long? maxBytes = null,
        Action? answered = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw new PermanentFetchException($"unsupported URL '{url}': only http and https are fetched");
        }

        var limit = maxBytes ?? _options.MaxDocumentBytes;
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        foreach (var (name, value) in headers ?? [])
        {
            if (!UnforwardedRequestHeaders.Contains(name) && !name.StartsWith(':'))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (body is { Length: > 0 })
        {
            request.Content = new ByteArrayContent(body);
            if (headers is not null && HttpWire.Header(headers, "content-type") is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        var startedAt = _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.NavigationTimeoutMs), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var answeredAt = _time.GetUtcNow();
            answered?.Invoke();
            // Transfer-coding is removed by the client; the body is recorded without it, so the header goes too.
            var responseHeaders = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                .Where(h => !h.Key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))
                .ToList();
            if (response.Content.Headers.ContentLength > limit)
            {
                throw new HostilePageException($"{Describe(url)} declares {response.Content.Headers.ContentLength} bytes, over the {limit}-byte limit");
            }

            var raw = await ReadBoundedAsync(await response.Content.ReadAsStreamAsync(linked.Token), limit, url, "body", linked.Token);
            var decoded = await DecodeAsync(raw, response.Content.Headers.ContentEncoding, limit, url, linked.Token);
            // NonValidated: the values as written on the wire, not re-split into tokens.
            var requestHeaders = request.Headers.NonValidated.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))
                .Prepend(KeyValuePair.Create("Host", url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}"))
                .ToList();
            if (request.Content is not null)
            {
                requestHeaders.AddRange(request.Content.Headers.NonValidated.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())));
                requestHeaders.Add(KeyValuePair.Create("Content-Length", body!.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            return new HttpExchange(
                url, method, requestHeaders, body ?? [], response.Version, (int)response.StatusCode, response.ReasonPhrase ?? string.Empty,
                responseHeaders, raw, decoded, startedAt, answeredAt);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"{Describe(url)} timed out after {_options.NavigationTimeoutMs} ms");
        }
        catch (HttpRequestException e) when (Find<AddressRefusedException>(e) is { } refused)
        {
            throw refused;
        }
        catch (HttpRequestException e) when (Find<PermanentFetchException>(e) is { } dns)
        {
            throw dns;
        }
        catch (HttpRequestException e)
        {
            var socket = Find<SocketException>(e);
            var what = socket is null ? e.HttpRequestError.ToString() : socket.SocketErrorCode.ToString();
            throw new TransientFetchException($"network error ({what}) fetching {Describe(url)}", null, e);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await _guard.AllowedAddressesAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connects only to the addresses that passed the guard: no second lookup that could answer differently.
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long limit, Uri url, string what, CancellationToken ct)
    {
        await using var _ = stream;
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new HostilePageException($"{what} of {Describe(url)} exceeds the {limit}-byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<byte[]> DecodeAsync(byte[] raw, ICollection<string> encodings, long limit, Uri url, CancellationToken ct)
    {
        var content = raw;
        // Codings apply in the order listed, so they are undone from the last.
        foreach (var coding in encodings.Reverse().Select(e => e.Trim().ToLowerInvariant()))
        {
            Stream? decoder = coding switch
            {
                "gzip" or "x-gzip" => new GZipStream(new MemoryStream(content), CompressionMode.Decompress),
                "deflate" => new ZLibStream(new MemoryStream(content), CompressionMode.Decompress),
                "br" => new BrotliStream(new MemoryStream(content), CompressionMode.Decompress),
                "identity" or "" => null,
                _ => throw new PermanentFetchException($"{Describe(url)} uses an unsupported content-coding '{coding}'"),
            };
            if (decoder is null)
            {
                continue;
            }

            try
            {
                content = await ReadBoundedAsync(decoder, limit, url, $"{coding}-decoded body (a decompression bomb?)", ct);
            }
            catch (InvalidDataException e)
            {
                throw new PermanentFetchException($"{Describe(url)} has a corrupt {coding} body: {e.Message}", e);
            }
        }

        return content;
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path);

    public void Dispose() => _client.Dispose();
}

/// <summary>Header helpers shared by the HTTP and browser paths.</summary>
internal static class MediaTypes
{
    public static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    public static string? Charset(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return null;
        }

        return parsed.CharSet?.Trim('"', '\'');
    }
}
