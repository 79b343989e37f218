using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace WildlifeWatch.Store;

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

/// <summary>WARC digests: SHA-256 written as <c>sha256:</c> and the RFC 4648 base32 of the hash, the form WARC tools use for SHA-1.</summary>
public static class WarcDigest
{
    public static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Base32(SHA256.HashData(bytes));

    public static string Base32(ReadOnlySpan<byte> bytes)
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

/// <summary>Checks a WARC file as evidence: every record parses and every digest it carries matches its bytes.</summary>
public static class WarcVerifier
{
    /// <summary>The problems found, each naming the record; empty when the file is intact.</summary>
    public static IReadOnlyList<string> Verify(byte[] warc)
    {
        IReadOnlyList<WarcRecord> records;
        try
        {
            records = WarcReader.Read(warc);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or KeyNotFoundException or OverflowException)
        {
            return [$"does not parse: {e.Message}"];
        }

        var problems = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var name = $"record {i + 1} ({record.Type} {record["WARC-Target-URI"]})";
            if (record["WARC-Block-Digest"] is not { } block)
            {
                problems.Add($"{name} has no WARC-Block-Digest");
            }
            else if (block != WarcDigest.Sha256(record.Block))
            {
                problems.Add($"{name}: block digest {block} does not match its bytes");
            }

            if (record["WARC-Payload-Digest"] is { } payload && payload != WarcDigest.Sha256(record.Payload()))
            {
                problems.Add($"{name}: payload digest {payload} does not match its payload");
            }
        }

        return problems;
    }
}
