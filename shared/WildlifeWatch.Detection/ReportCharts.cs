using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace WildlifeWatch.Detection;

/// <summary>
/// The report's two pictures as PNG: the precision-recall curve and the confusion matrix. A tiny rasteriser (lines,
/// rectangles, a 3×5 digit font) keeps the model tooling free of native graphics libraries.
/// </summary>
public static class ReportCharts
{
    private const int Size = 400;
    private const int Margin = 40;

    public static byte[] PrecisionRecallCurve(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var canvas = new PngCanvas(Size, Size);
        var plot = Size - (2 * Margin);
        int X(double recall) => Margin + (int)Math.Round(recall * plot);
        int Y(double precision) => Size - Margin - (int)Math.Round(precision * plot);

        for (var tick = 0; tick <= 10; tick++)
        {
            var grid = tick % 5 == 0 ? Rgb.Grid : Rgb.LightGrid;
            canvas.Line(X(tick / 10.0), Y(0), X(tick / 10.0), Y(1), grid);
            canvas.Line(X(0), Y(tick / 10.0), X(1), Y(tick / 10.0), grid);
        }

        canvas.Line(X(0), Y(0), X(1), Y(0), Rgb.Black);
        canvas.Line(X(0), Y(0), X(0), Y(1), Rgb.Black);
        foreach (var (value, label) in new[] { (0.0, "0"), (0.5, "0.5"), (1.0, "1") })
        {
            canvas.Text(X(value) - 4, Y(0) + 8, label, Rgb.Black, 2);
            canvas.Text(X(0) - 30, Y(value) - 5, label, Rgb.Black, 2);
        }

        // Step curve from (0, first precision) through every point, as average precision integrates it.
        var curve = report.PrecisionRecallCurve;
        var (lastX, lastY) = (X(0), Y(curve.Count == 0 ? 0 : curve[0].Precision));
        foreach (var (recall, precision) in curve)
        {
            canvas.Line(lastX, lastY, X(recall), lastY, Rgb.Blue, 2);
            canvas.Line(X(recall), lastY, X(recall), Y(precision), Rgb.Blue, 2);
            (lastX, lastY) = (X(recall), Y(precision));
        }

        return canvas.Encode();
    }

    /// <summary>Rows: labeled wildlife, labeled not wildlife; columns: predicted wildlife, predicted not. Darker is more.</summary>
    public static byte[] ConfusionMatrix(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Overall;
        var canvas = new PngCanvas(Size, Size);
        int[,] cells = { { m.TruePositives, m.FalseNegatives }, { m.FalsePositives, m.TrueNegatives } };
        var max = Math.Max(1, cells.Cast<int>().Max());
        var cell = (Size - (2 * Margin)) / 2;
        for (var row = 0; row < 2; row++)
        {
            for (var column = 0; column < 2; column++)
            {
                var x = Margin + (column * cell);
                var y = Margin + (row * cell);
                var shade = 1 - ((double)cells[row, column] / max * 0.8);
                var correct = row == column;
                var fill = correct ? new Rgb((byte)(255 * shade), (byte)(255 * shade), 255) : new Rgb(255, (byte)(255 * shade), (byte)(255 * shade));
                canvas.Fill(x, y, cell, cell, fill);
                canvas.Rectangle(x, y, cell, cell, Rgb.Black);
                var label = cells[row, column].ToString(System.Globalization.CultureInfo.InvariantCulture);
                canvas.Text(x + (cell / 2) - (label.Length * 8), y + (cell / 2) - 10, label, Rgb.Black, 5);
            }
        }

        return canvas.Encode();
    }

    internal readonly record struct Rgb(byte R, byte G, byte B)
    {
        public static readonly Rgb White = new(255, 255, 255);
        public static readonly Rgb Black = new(0, 0, 0);
        public static readonly Rgb Grid = new(190, 190, 190);
        public static readonly Rgb LightGrid = new(230, 230, 230);
        public static readonly Rgb Blue = new(31, 90, 200);
    }

    /// <summary>An RGB image with just what the charts need, encoded as an 8-bit truecolour PNG.</summary>
    internal sealed class PngCanvas
    {
        // 3×5 glyphs, one row per string, '#' is ink.
        private static readonly Dictionary<char, string[]> Glyphs = new()
        {
            ['0'] = ["###", "#.#", "#.#", "#.#", "###"],
            ['1'] = [".#.", "##.", ".#.", ".#.", "###"],
            ['2'] = ["###", "..#", "###", "#..", "###"],
            ['3'] = ["###", "..#", "###", "..#", "###"],
            ['4'] = ["#.#", "#.#", "###", "..#", "..#"],
            ['5'] = ["###", "#..", "###", "..#", "###"],
            ['6'] = ["###", "#..", "###", "#.#", "###"],
            ['7'] = ["###", "..#", "..#", "..#", "..#"],
            ['8'] = ["###", "#.#", "###", "#.#", "###"],
            ['9'] = ["###", "#.#", "###", "..#", "###"],
            ['.'] = ["...", "...", "...", "...", ".#."],
        };

        private readonly byte[] _pixels;

        public PngCanvas(int width, int height)
        {
            Width = width;
            Height = height;
            _pixels = new byte[width * height * 3];
            Fill(0, 0, width, height, Rgb.White);
        }

        public int Width { get; }

        public int Height { get; }

        public Rgb this[int x, int y]
        {
            get
            {
                var i = ((y * Width) + x) * 3;
                return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
            }
        }

        public void Set(int x, int y, Rgb color)
        {
            if (x < 0 || y < 0 || x >= Width || y >= Height)
            {
                return;
            }

            var i = ((y * Width) + x) * 3;
            (_pixels[i], _pixels[i + 1], _pixels[i + 2]) = (color.R, color.G, color.B);
        }

        public void Fill(int x, int y, int width, int height, Rgb color)
        {
            for (var row = y; row < y + height; row++)
            {
                for (var column = x; column < x + width; column++)
                {
                    Set(column, row, color);
                }
            }
        }

        public void Rectangle(int x, int y, int width, int height, Rgb color)
        {
            Line(x, y, x + width, y, color);
            Line(x, y + height, x + width, y + height, color);
            Line(x, y, x, y + height, color);
            Line(x + width, y, x + width, y + height, color);
        }

        /// <summary>Bresenham's line, <paramref name="thickness"/> pixels square.</summary>
        public void Line(int x0, int y0, int x1, int y1, Rgb color, int thickness = 1)
        {
            int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
            int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
            var error = dx + dy;
            while (true)
            {
                Fill(x0 - (thickness / 2), y0 - (thickness / 2), thickness, thickness, color);
                if (x0 == x1 && y0 == y1)
                {
                    return;
                }

                var e2 = 2 * error;
                if (e2 >= dy)
                {
                    error += dy;
                    x0 += sx;
                }

                if (e2 <= dx)
                {
                    error += dx;
                    y0 += sy;
                }
            }
        }

        public void Text(int x, int y, string text, Rgb color, int scale)
        {
            foreach (var c in text)
            {
                if (Glyphs.TryGetValue(c, out var glyph))
                {
                    for (var row = 0; row < glyph.Length; row++)
                    {
                        for (var column = 0; column < glyph[row].Length; column++)
                        {
                            if (glyph[row][column] == '#')
                            {
                                Fill(x + (column * scale), y + (row * scale), scale, scale, color);
                            }
                        }
                    }
                }

                x += 4 * scale;
            }
        }

        public byte[] Encode()
        {
            using var png = new MemoryStream();
            png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
            var header = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, Width);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
            header[8] = 8; // bit depth
            header[9] = 2; // truecolour
            Chunk(png, "IHDR", header);
            using (var raw = new MemoryStream())
            {
                using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
                {
                    for (var y = 0; y < Height; y++)
                    {
                        zlib.WriteByte(0); // filter: none
                        zlib.Write(_pixels, y * Width * 3, Width * 3);
                    }
                }

                Chunk(png, "IDAT", raw.ToArray());
            }

            Chunk(png, "IEND", []);
            return png.ToArray();
        }

        private static void Chunk(Stream png, string type, byte[] data)
        {
            Span<byte> number = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
            png.Write(number);
            var crc = new Crc32();
            var typeBytes = Encoding.ASCII.GetBytes(type);
            crc.Append(typeBytes);
            crc.Append(data);
            png.Write(typeBytes);
            png.Write(data);
            BinaryPrimitives.WriteUInt32BigEndian(number, crc.GetCurrentHashAsUInt32());
            png.Write(number);
        }
    }
}
