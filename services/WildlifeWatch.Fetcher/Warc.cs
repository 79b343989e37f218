using System.Globalization;
using System.IO.Compression;
using System.Text;
using WildlifeWatch.Store;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Writes WARC/1.1 files, each record its own gzip member (so a reader can seek to any record). Digests are SHA-256
/// written as <c>sha256:</c> and the RFC 4648 base32 of the hash, the form WARC tools use for SHA-1. A record whose
/// payload is already compressed (<see cref="IsCompressed"/>) is stored in its gzip member without deflating it again:
/// that would cost most of the capture's CPU in the fetcher and save almost nothing.
/// </summary>
public sealed class WarcWriter : IDisposable
{
    public const string MediaType = "application/warc";

    private readonly MemoryStream _output = new();

    public static string Digest(ReadOnlySpan<byte> bytes) => WarcDigest.Sha256(bytes);

    public static string NewRecordId() => $"<urn:uuid:{Guid.NewGuid()}>";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether a payload of <paramref name="mediaType"/> sent with <paramref name="contentEncoding"/> is compressed
    /// already: any content-coding, and the image, audio, video, font and archive formats that are compressed by design.
    /// </summary>
    public static bool IsCompressed(string? mediaType, string? contentEncoding = null)
    {
        if (!string.IsNullOrWhiteSpace(contentEncoding) && !contentEncoding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var type = (mediaType ?? string.Empty).Split(';', 2)[0].Trim().ToLowerInvariant();
        return type switch
        {
            // Vector and uncompressed bitmaps compress well; every other image format is compressed.
            "image/svg+xml" or "image/bmp" or "image/x-icon" or "image/vnd.microsoft.icon" => false,
            _ when type.StartsWith("image/", StringComparison.Ordinal) => true,
            _ when type.StartsWith("video/", StringComparison.Ordinal) || type.StartsWith("audio/", StringComparison.Ordinal) => true,
            "font/woff" or "font/woff2" or "application/font-woff" or "application/zip" or "application/gzip"
                or "application/x-gzip" or "application/zstd" or "application/x-7z-compressed" or "application/x-rar-compressed" => true,
            _ => false,
        };
    }

    /// <summary>Appends a record; WARC-Record-ID, Content-Length and WARC-Block-Digest are added here. Returns its id.</summary>
    public string Add(string type, DateTimeOffset date, string? targetUri, string? contentType, byte[] block, params (string Name, string Value)[] extra) =>
        Add(type, date, targetUri, contentType, block, IsCompressed(contentType), extra);

    /// <summary>As <see cref="Add(string, DateTimeOffset, string?, string?, byte[], ValueTuple{string, string}[])"/>, saying whether the block's payload is compressed already.</summary>
    public string Add(string type, DateTimeOffset date, string? targetUri, string? contentType, byte[] block, bool compressedPayload, params (string Name, string Value)[] extra)
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

        using (var gzip = new GZipStream(_output, compressedPayload ? CompressionLevel.NoCompression : CompressionLevel.Optimal, leaveOpen: true))
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
        var responseId = Add("response", exchange.AnsweredAt, target, "application/http;msgtype=response", [.. exchange.ResponseHead(), .. exchange.Body],
            IsCompressed(exchange.ContentType, exchange.Header("content-encoding")), ("WARC-Payload-Digest", Digest(exchange.Body)));
        Add("request", exchange.StartedAt, target, "application/http;msgtype=request", [.. exchange.RequestHead(), .. exchange.RequestBody],
            compressedPayload: false, ("WARC-Concurrent-To", responseId), ("WARC-Payload-Digest", Digest(exchange.RequestBody)));
    }

    public byte[] ToArray() => _output.ToArray();

    public void Dispose() => _output.Dispose();
}
