using System.Text;
using SkiaSharp;

namespace WildlifeWatch.TestSupport;

/// <summary>Photo-like test images drawn from a seed, and a JPEG EXIF block written by hand (no fixture of unknown origin).</summary>
public static class TestImages
{
    /// <summary>A gradient with random discs and bars: enough low-frequency structure for a perceptual hash.</summary>
    public static SKBitmap Photo(int seed, int width = 640, int height = 480)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        using var background = new SKPaint();
        background.Shader = SKShader.CreateLinearGradient(
            new SKPoint(0, 0), new SKPoint(width, height), [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, background);
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 12; i++)
        {
            paint.Color = RandomColor(random);
            if (i % 2 == 0)
            {
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(width / 12, width / 4), paint);
            }
            else
            {
                canvas.DrawRect(random.Next(width), random.Next(height), random.Next(width / 8, width / 2), random.Next(height / 10, height / 3), paint);
            }
        }

        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static SKBitmap Resize(SKBitmap bitmap, int width, int height) =>
        bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    /// <summary>Inserts an APP1 EXIF segment (IFD0 make/model, Exif IFD time/serial, GPS IFD) right after the JPEG's SOI marker.</summary>
    public static byte[] WithExif(byte[] jpeg, string make, string model, string serial, string dateTimeOriginal, double latitude, double longitude)
    {
        var tiff = new TiffWriter();
        var ifd0 = new List<Entry> { Ascii(0x010F, make), Ascii(0x0110, model), new(0x8769, 4, 1, []), new(0x8825, 4, 1, []) };
        var exif = new List<Entry> { Ascii(0x9003, dateTimeOriginal), Ascii(0xA431, serial) };
        var gps = new List<Entry>
        {
            Ascii(0x0001, latitude >= 0 ? "N" : "S"), Rationals(0x0002, Math.Abs(latitude)),
            Ascii(0x0003, longitude >= 0 ? "E" : "W"), Rationals(0x0004, Math.Abs(longitude)),
        };

        var ifd0Offset = 8;
        var exifOffset = ifd0Offset + TiffWriter.Size(ifd0);
        var gpsOffset = exifOffset + TiffWriter.Size(exif);
        ifd0[2] = ifd0[2] with { Inline = BitConverter.GetBytes((uint)exifOffset) };
        ifd0[3] = ifd0[3] with { Inline = BitConverter.GetBytes((uint)gpsOffset) };
        tiff.Header();
        tiff.Ifd(ifd0, ifd0Offset);
        tiff.Ifd(exif, exifOffset);
        tiff.Ifd(gps, gpsOffset);

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff.Bytes).ToArray();
        var length = payload.Length + 2;
        var segment = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)(length & 0xFF) }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    private static Entry Ascii(ushort tag, string value) => new(tag, 2, value.Length + 1, [.. Encoding.ASCII.GetBytes(value), 0]);

    private static Entry Rationals(ushort tag, double degrees)
    {
        var d = (uint)degrees;
        var minutes = (degrees - d) * 60;
        var m = (uint)minutes;
        var s = (uint)Math.Round((minutes - m) * 60 * 1000);
        uint[] parts = [d, 1, m, 1, s, 1000];
        return new Entry(tag, 5, 3, parts.SelectMany(BitConverter.GetBytes).ToArray());
    }

    private sealed record Entry(ushort Tag, ushort Type, int Count, byte[] Inline);

    private sealed class TiffWriter
    {
        public List<byte> Bytes { get; } = [];

        public static int Size(List<Entry> entries) =>
            2 + (12 * entries.Count) + 4 + entries.Where(e => e.Inline.Length > 4).Sum(e => e.Inline.Length + (e.Inline.Length % 2));

        public void Header() => Bytes.AddRange([(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0]);

        public void Ifd(List<Entry> entries, int offset)
        {
            var data = new List<byte>();
            var dataOffset = offset + 2 + (12 * entries.Count) + 4;
            Bytes.AddRange(BitConverter.GetBytes((ushort)entries.Count));
            foreach (var e in entries)
            {
                Bytes.AddRange(BitConverter.GetBytes(e.Tag));
                Bytes.AddRange(BitConverter.GetBytes(e.Type));
                Bytes.AddRange(BitConverter.GetBytes((uint)e.Count));
                if (e.Inline.Length <= 4)
                {
                    Bytes.AddRange(e.Inline.Concat(new byte[4 - e.Inline.Length]));
                }
                else
                {
                    Bytes.AddRange(BitConverter.GetBytes((uint)(dataOffset + data.Count)));
                    data.AddRange(e.Inline);
                    if (e.Inline.Length % 2 == 1)
                    {
                        data.Add(0);
                    }
                }
            }

            Bytes.AddRange(new byte[4]);
            Bytes.AddRange(data);
        }
    }
}
