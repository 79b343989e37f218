using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>One WARC/1.1 record (ISO 28500:2017): named header fields and a block of bytes.</summary>
public sealed record WarcRecord(IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Block)
{
    public string? this[string name] => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public string Type => this["WARC-Type"] ?? string.Empty;

    /// <summary>
    /// The payload: for an HTTP request or response the entity body after the header block, for any other record the
    /// whole block.
    /// </summary>
    public ReadOnlySpan<byte> Payload()
    {
        if (this["Content-Type"]?.StartsWith("application/http", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Block;
        }

        var end = Block.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? [] : Block.AsSpan(end + 4);
    }
}

/// <summary>
/// Writes WARC/1.1 files, each record its own gzip member (so a reader can seek to any record). Digests are SHA-256
/// written as <c>sha256:</c> and the RFC 4648 base32 of the hash, the form WARC tools use for SHA-1.
/// </summary>
public sealed class WarcWriter : IDisposable
{
    public const string MediaType = "application/warc";

    private readonly MemoryStream _output = new();

    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Base32(SHA256.HashData(bytes));

    public static string NewRecordId() => $"<urn:uuid:{Guid.NewGuid()}>";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Appends a record; WARC-Record-ID, Content-Length and WARC-Block-Digest are added here. Returns its id.</summary>
    public string Add(string type, DateTimeOffset date, string? targetUri, string? contentType, byte[] block, params (string Name, string Value)[] extra)
    {
        ArgumentNullException.ThrowIfNull(block);
        var id = NewRecordId();
        var header = new StringBuilder("WARC/1.1\r\n");
        void Field(string name, string value) => header.Append(name).Append(": ").Append(value).Append("\r\n");
        Field("WARC-Type", type);
        Field("WARC-Record-ID", id);
        Field("WARC-Date", Date(date));
        if (targetUri is not null)
        {
            Field("WARC-Target-URI", targetUri);
        }

        foreach (var (name, value) in extra)
        {
            Field(name, value);
        }

        if (contentType is not null)
        {
            Field("Content-Type", contentType);
        }

        Field("WARC-Block-Digest", Digest(block));
        Field("Content-Length", block.Length.ToString(CultureInfo.InvariantCulture));
        header.Append("\r\n");

        using (var gzip = new GZipStream(_output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(header.ToString()));
            gzip.Write(block);
            gzip.Write("\r\n\r\n"u8);
        }

        return id;
    }

    /// <summary>An HTTP exchange as a request record and a response record, concurrent to each other.</summary>
    public void AddExchange(HttpExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var target = exchange.Url.AbsoluteUri;
        var response = exchange.ResponseHead().Concat(exchange.Body).ToArray();
        var responseId = Add("response", exchange.AnsweredAt, target, "application/http;msgtype=response", response,
            ("WARC-Payload-Digest", Digest(exchange.Body)));
        var request = exchange.RequestHead().Concat(exchange.RequestBody).ToArray();
        Add("request", exchange.StartedAt, target, "application/http;msgtype=request", request,
            ("WARC-Concurrent-To", responseId), ("WARC-Payload-Digest", Digest(exchange.RequestBody)));
    }

    public byte[] ToArray() => _output.ToArray();

    public void Dispose() => _output.Dispose();

    internal static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var result = new StringBuilder((bytes.Length + 4) / 5 * 8);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                result.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            result.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        while (result.Length % 8 != 0)
        {
            result.Append('=');
        }

        return result.ToString();
    }
}

/// <summary>Reads a WARC file (plain or gzip per record) back into its records.</summary>
public static class WarcReader
{
    public static IReadOnlyList<WarcRecord> Read(byte[] warc)
    {
        ArgumentNullException.ThrowIfNull(warc);
        byte[] data;
        if (warc.Length >= 2 && warc[0] == 0x1F && warc[1] == 0x8B)
        {
            // GZipStream reads concatenated members one after another.
            using var gzip = new GZipStream(new MemoryStream(warc), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            data = plain.ToArray();
        }
        else
        {
            data = warc;
        }

        var records = new List<WarcRecord>();
        var position = 0;
        while (position < data.Length)
        {
            var headerEnd = data.AsSpan(position).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                throw new FormatException($"record at offset {position} has no end of header");
            }

            var lines = Encoding.UTF8.GetString(data, position, headerEnd).Split("\r\n");
            if (lines[0] != "WARC/1.1" && lines[0] != "WARC/1.0")
            {
                throw new FormatException($"record at offset {position} starts with '{lines[0]}', not a WARC version");
            }

            var headers = lines.Skip(1).Select(line =>
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new FormatException($"malformed WARC header line '{line}'");
                }

                return KeyValuePair.Create(line[..colon], line[(colon + 1)..].Trim());
            }).ToList();
            var length = int.Parse(
                headers.First(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var blockStart = position + headerEnd + 4;
            if (blockStart + length + 4 > data.Length || !data.AsSpan(blockStart + length, 4).SequenceEqual("\r\n\r\n"u8))
            {
                throw new FormatException($"record at offset {position} is truncated or not followed by CRLF CRLF");
            }

            records.Add(new WarcRecord(headers, data.AsSpan(blockStart, length).ToArray()));
            position = blockStart + length + 4;
        }

        return records;
    }
}
