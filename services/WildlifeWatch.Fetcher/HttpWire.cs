using System.Globalization;
using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>The browser spoke something the capture proxy does not accept; the connection is answered 400 and closed.</summary>
public sealed class ProxyProtocolException(string message) : Exception(message);

/// <summary>
/// Reads HTTP/1.1 messages as a browser sends them to its proxy: a head of CRLF lines and a body framed by
/// Content-Length or chunked coding, each bounded so a page cannot make the proxy buffer without end.
/// </summary>
internal sealed class HttpWireReader(Stream stream)
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>True when nothing read from the stream is still waiting here.</summary>
    public bool IsDrained => _start == _end;

    /// <summary>The head's lines, the start line first; null when the peer closed between messages.</summary>
    public async Task<List<string>?> ReadHeadAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        var total = 0;
        while (true)
        {
            var line = await ReadLineAsync(MaxHeadBytes - total, ct);
            if (line is null)
            {
                return lines.Count == 0 ? null : throw new ProxyProtocolException("the connection closed inside a request head");
            }

            total += line.Length + 2;
            if (line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    return lines;
                }

                continue;
            }

            lines.Add(line);
        }
    }

    /// <summary>The body the head announces (none, Content-Length, or chunked), at most <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> ReadBodyAsync(IReadOnlyList<KeyValuePair<string, string>> headers, long maxBytes, CancellationToken ct)
    {
        if (HttpWire.Header(headers, "transfer-encoding") is { } coding)
        {
            if (!coding.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new ProxyProtocolException($"unsupported transfer coding '{coding}'");
            }

            return await ReadChunkedAsync(maxBytes, ct);
        }

        if (HttpWire.Header(headers, "content-length") is not { } declared)
        {
            return [];
        }

        if (!long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new ProxyProtocolException($"bad Content-Length '{declared}'");
        }

        if (length > maxBytes)
        {
            throw new ProxyProtocolException($"a request body of {length} bytes, over the {maxBytes}-byte limit");
        }

        var body = new byte[length];
        await ReadExactlyAsync(body, ct);
        return body;
    }

    private async Task<byte[]> ReadChunkedAsync(long maxBytes, CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(1024, ct) ?? throw new ProxyProtocolException("the connection closed inside a chunked body");
            var hex = sizeLine.Split(';', 2)[0].Trim();
            if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new ProxyProtocolException($"bad chunk size '{hex}'");
            }

            if (size == 0)
            {
                // Trailers, if any, are read and dropped.
                while (await ReadLineAsync(MaxHeadBytes, ct) is { Length: > 0 })
                {
                }

                return body.ToArray();
            }

            if (body.Length + size > maxBytes)
            {
                throw new ProxyProtocolException($"a request body over the {maxBytes}-byte limit");
            }

            var chunk = new byte[size];
            await ReadExactlyAsync(chunk, ct);
            body.Write(chunk);
            if (await ReadLineAsync(2, ct) is not { Length: 0 })
            {
                throw new ProxyProtocolException("a chunk not followed by CRLF");
            }
        }
    }

    private async Task ReadExactlyAsync(byte[] target, CancellationToken ct)
    {
        var filled = Math.Min(target.Length, _end - _start);
        _buffer.AsSpan(_start, filled).CopyTo(target);
        _start += filled;
        if (filled < target.Length)
        {
            await stream.ReadExactlyAsync(target.AsMemory(filled), ct);
        }
    }

    private async Task<string?> ReadLineAsync(int maxBytes, CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var length = newline - _start;
                var line = Encoding.Latin1.GetString(_buffer, _start, length > 0 && _buffer[newline - 1] == '\r' ? length - 1 : length);
                _start = newline + 1;
                return line;
            }

            scanned = _end - _start;
            if (scanned >= maxBytes || scanned == _buffer.Length)
            {
                throw new ProxyProtocolException($"a request line or header over {Math.Min(maxBytes, _buffer.Length)} bytes");
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, scanned).CopyTo(_buffer);
                (_start, _end) = (0, scanned);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0)
            {
                return scanned == 0 ? null : throw new ProxyProtocolException("the connection closed inside a line");
            }

            _end += read;
        }
    }
}

/// <summary>Header lookup for every HTTP message the fetcher handles; head parsing and response writing for the capture proxy.</summary>
internal static class HttpWire
{
    public static string? Header(IEnumerable<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Splits a request head into its method, target, version and headers.</summary>
    public static (string Method, string Target, string Version, List<KeyValuePair<string, string>> Headers) ParseRequest(List<string> head)
    {
        var parts = head[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new ProxyProtocolException($"bad request line '{Shorten(head[0])}'");
        }

        var headers = new List<KeyValuePair<string, string>>(head.Count - 1);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[0] is ' ' or '\t')
            {
                throw new ProxyProtocolException($"bad header line '{Shorten(line)}'");
            }

            headers.Add(KeyValuePair.Create(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return (parts[0], parts[1], parts[2], headers);
    }

    /// <summary>A response head and body as bytes; a body is sent only where HTTP allows one.</summary>
    public static byte[] Response(int status, string reason, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body, bool headRequest, bool close)
    {
        var bodyAllowed = status is >= 200 and not 204 and not 304;
        var b = new StringBuilder(512);
        b.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(reason.Length > 0 ? reason : "Status").Append("\r\n");
        foreach (var (name, value) in headers)
        {
            // A value is written as one line: a CR or LF in it would let the page's server split the browser's response.
            b.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append("\r\n");
        }

        if (bodyAllowed)
        {
            b.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (close)
        {
            b.Append("Connection: close\r\n");
        }

        b.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(b.ToString());
        var sendBody = bodyAllowed && !headRequest;
        var message = new byte[headBytes.Length + (sendBody ? body.Length : 0)];
        headBytes.CopyTo(message, 0);
        if (sendBody)
        {
            body.CopyTo(message.AsSpan(headBytes.Length));
        }

        return message;
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";
}
