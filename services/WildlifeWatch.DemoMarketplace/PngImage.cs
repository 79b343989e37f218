using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>A minimal PNG writer (8-bit RGB, no filtering) for the listing pictures.</summary>
internal static class PngImage
{
    public const int Width = 240;
    public const int Height = 180;

    /// <summary>A diagonal gradient from <paramref name="colour"/> with a few bands whose placement depends on the seed, so pictures differ.</summary>
    public static byte[] Render(string colour, string seed)
    {
        var (r, g, b) = ParseColour(colour);
        var hash = StableHash(seed);
        var bandWidth = 8 + (int)(hash % 24);
        var bandOffset = (int)((hash >> 8) % 64);
        const int stride = 1 + (Width * 3);
        var raw = new byte[stride * Height];
        for (var y = 0; y < Height; y++)
        {
            var row = y * stride;
            raw[row] = 0; // filter type: none
            for (var x = 0; x < Width; x++)
            {
                var shade = 1.0 - (0.35 * (x + y) / (Width + Height));
                if (((x + y + bandOffset) / bandWidth) % 5 == 0)
                {
                    shade *= 0.82;
                }

                var i = row + 1 + (x * 3);
                raw[i] = (byte)(r * shade);
                raw[i + 1] = (byte)(g * shade);
                raw[i + 2] = (byte)(b * shade);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        WriteChunk(png, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(png, "IDAT", compressed.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        output.Write(buffer);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, crc.GetCurrentHashAsUInt32());
        output.Write(buffer);
    }

    private static (int R, int G, int B) ParseColour(string colour)
    {
        var hex = colour.TrimStart('#');
        if (hex.Length == 6 && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF);
        }

        return (0xB0, 0xB0, 0xB0);
    }

    // string.GetHashCode is randomised per process; pictures must be the same on every run.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return hash;
    }
}
