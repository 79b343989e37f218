using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>What makes a response a page worth capturing, whichever way it was fetched.</summary>
public static class ResponseChecks
{
    static ResponseChecks() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Throws the recorded reason when the document response is not a capturable HTML page.</summary>
    public static void CheckDocument(HttpExchange response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = response.Status;
        if (status is 429 or 502 or 503 or 504)
        {
            throw new TransientFetchException($"HTTP {status} {response.Reason}".TrimEnd(), ParseRetryAfter(response.Header("retry-after"), now)) { Status = status };
        }

        if (status >= 400)
        {
            throw new PermanentFetchException($"HTTP {status} {response.Reason}".TrimEnd()) { Status = status };
        }

        if (!IsHtml(response.ContentType))
        {
            throw new NonHtmlContentException(response.ContentType, status);
        }

        if (LooksBinary(response.Content))
        {
            throw new HostilePageException($"binary content served as {response.ContentType ?? "HTML"} (HTTP {status})");
        }
    }

    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    internal static bool IsHtml(string? contentType)
    {
        // No declared type: sniffed as the page it looks like (the binary check below still applies).
        var mediaType = MediaTypes.MediaType(contentType);
        return mediaType is null or "text/html" or "application/xhtml+xml";
    }

    /// <summary>
    /// Text never contains NUL and rarely other C0 controls; executables, images and archives do, early. UTF-16
    /// text (which has NULs) is recognised by its byte-order mark.
    /// </summary>
    internal static bool LooksBinary(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return false;
        }

        var head = content[..Math.Min(content.Length, 4096)];
        if (head.IsEmpty)
        {
            return false;
        }

        var controls = 0;
        foreach (var b in head)
        {
            if (b == 0)
            {
                return true;
            }

            if (b < 0x20 && b is not (0x09 or 0x0A or 0x0C or 0x0D or 0x1B))
            {
                controls++;
            }
        }

        return controls * 20 > head.Length;
    }

    /// <summary>
    /// Decodes a document by its declared charset (header, then a meta tag in the first 1024 bytes, then UTF-8).
    /// Invalid bytes become U+FFFD, never an exception; the returned note says so for the record.
    /// </summary>
    public static (string Text, string? Note) Decode(byte[] content, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        var declared = MediaTypes.Charset(contentType) ?? MetaCharset(content);
        Encoding encoding;
        string? note = null;
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            declared = "utf-8";
        }

        try
        {
            encoding = declared is null ? Encoding.UTF8 : Encoding.GetEncoding(declared);
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
            note = $"unknown charset '{declared}', decoded as UTF-8";
        }

        if (encoding.CodePage == Encoding.UTF8.CodePage && !System.Text.Unicode.Utf8.IsValid(content))
        {
            note = "malformed UTF-8: invalid byte sequences decoded as U+FFFD";
        }

        // The default decoders replace what they cannot decode; the preamble is not content.
        var text = encoding.GetString(content);
        return (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, note);
    }

    private static string? MetaCharset(byte[] content)
    {
        var head = Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 1024));
        var match = System.Text.RegularExpressions.Regex.Match(head, @"<meta[^>]+charset\s*=\s*[""']?([A-Za-z0-9_\-:.]+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// Width and height from the header of a PNG, GIF, JPEG or WebP, without decoding a pixel: enough to refuse an
    /// image that would expand into gigabytes in the renderer (a decompression bomb). Null when not recognised.
    /// </summary>
    public static (long Width, long Height)? ImageSize(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 24 && b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            return (BinaryPrimitives.ReadUInt32BigEndian(b[16..]), BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
        }

        if (b.Length >= 10 && b.StartsWith("GIF"u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]));
        }

        if (b.Length >= 30 && b.StartsWith("RIFF"u8) && b[8..].StartsWith("WEBPVP8"u8))
        {
            return b[15] switch
            {
                (byte)' ' => (BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF),
                (byte)'L' => (1 + (b[21] | ((b[22] & 0x3F) << 8)), 1 + ((b[22] >> 6) | (b[23] << 2) | ((b[24] & 0x0F) << 10))),
                (byte)'X' => (1 + (b[24] | (b[25] << 8) | (b[26] << 16)), 1 + (b[27] | (b[28] << 8) | (b[29] << 16))),
                _ => null,
            };
        }

        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xD8)
        {
            // Walk the JPEG segments to the first start-of-frame marker.
            var i = 2;
            while (i + 9 < b.Length && b[i] == 0xFF)
            {
                var marker = b[i + 1];
                var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
                if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                {
                    return (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
                }

                i += 2 + length;
            }
        }

        return null;
    }
}
