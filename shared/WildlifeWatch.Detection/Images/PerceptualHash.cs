using System.Numerics;

namespace WildlifeWatch.Detection.Images;

/// <summary>
/// 64-bit DCT perceptual hash: the image as 32×32 grey levels (area-averaged, so any input size lands on the same grid),
/// its 2-D DCT-II, and one bit per coefficient of the lowest 8×8 frequencies: set when above their median. Resizing,
/// re-encoding and mild colour changes move few bits; a different photo moves about half of them.
/// </summary>
public static class PerceptualHash
{
    private const int Size = 32;
    private const int Low = 8;

    private static readonly double[,] Cosines = BuildCosines();

    /// <summary>Bits that differ between two hashes: 0 for the same picture, about 32 for unrelated ones.</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>Hash of a grey-level image given row by row (<paramref name="width"/> × <paramref name="height"/> values, 0..255).</summary>
    public static ulong Compute(ReadOnlySpan<float> luma, int width, int height) => Fingerprint(luma, width, height).Hash;

    /// <summary>
    /// The hash and the image's <c>Detail</c>: the standard deviation (grey levels) of the 32×32 grid around its best-fit
    /// plane. Flat pictures, gradients and faint patterns (placeholders, banners, synthetic images) score low; their
    /// hashes say little, as unrelated pictures of that kind collide.
    /// </summary>
    public static (ulong Hash, double Detail) Fingerprint(ReadOnlySpan<float> luma, int width, int height)
    {
        if (width <= 0 || height <= 0 || luma.Length < width * height)
        {
            throw new ArgumentException("The luma buffer does not hold width × height values.", nameof(luma));
        }

        var grid = AreaAverage(luma, width, height);
        return (HashOf(grid), Detail(grid));
    }

    private static double Detail(double[,] grid)
    {
        // Least-squares plane z = a + b·x + c·y on a centred grid: b and c decouple, a is the mean.
        const double Centre = (Size - 1) / 2.0;
        double mean = 0, sxz = 0, syz = 0, sxx = 0;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                mean += grid[y, x];
                sxz += (x - Centre) * grid[y, x];
                syz += (y - Centre) * grid[y, x];
                sxx += (x - Centre) * (x - Centre);
            }
        }

        mean /= Size * Size;
        var b = sxz / sxx;
        var c = syz / sxx;
        double residual = 0;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var r = grid[y, x] - (mean + (b * (x - Centre)) + (c * (y - Centre)));
                residual += r * r;
            }
        }

        return Math.Sqrt(residual / (Size * Size));
    }

    private static ulong HashOf(double[,] grid)
    {
        var dct = Dct2D(grid);

        Span<double> coefficients = stackalloc double[Low * Low];
        for (var u = 0; u < Low; u++)
        {
            for (var v = 0; v < Low; v++)
            {
                coefficients[(u * Low) + v] = dct[u, v];
            }
        }

        // The DC term (overall brightness) is left out of the median: it would dominate it.
        var sorted = coefficients[1..].ToArray();
        Array.Sort(sorted);
        var median = (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

        ulong hash = 0;
        for (var i = 0; i < coefficients.Length; i++)
        {
            if (coefficients[i] > median)
            {
                hash |= 1UL << i;
            }
        }

        return hash;
    }

    /// <summary>Box filter onto a 32×32 grid: every source pixel contributes to the cell(s) it covers, by covered area.</summary>
    private static double[,] AreaAverage(ReadOnlySpan<float> luma, int width, int height)
    {
        var sums = new double[Size, Size];
        var weights = new double[Size, Size];
        var sx = (double)Size / width;
        var sy = (double)Size / height;
        for (var y = 0; y < height; y++)
        {
            var y0 = y * sy;
            var y1 = (y + 1) * sy;
            for (var x = 0; x < width; x++)
            {
                var x0 = x * sx;
                var x1 = (x + 1) * sx;
                var value = luma[(y * width) + x];
                for (var gy = (int)y0; gy < Math.Min(Size, (int)Math.Ceiling(y1)); gy++)
                {
                    var hy = Math.Min(y1, gy + 1) - Math.Max(y0, gy);
                    for (var gx = (int)x0; gx < Math.Min(Size, (int)Math.Ceiling(x1)); gx++)
                    {
                        var w = hy * (Math.Min(x1, gx + 1) - Math.Max(x0, gx));
                        sums[gy, gx] += w * value;
                        weights[gy, gx] += w;
                    }
                }
            }
        }

        for (var gy = 0; gy < Size; gy++)
        {
            for (var gx = 0; gx < Size; gx++)
            {
                sums[gy, gx] = weights[gy, gx] > 0 ? sums[gy, gx] / weights[gy, gx] : 0;
            }
        }

        return sums;
    }

    /// <summary>Separable DCT-II, rows then columns, only the low frequencies that the hash keeps.</summary>
    private static double[,] Dct2D(double[,] grid)
    {
        var rows = new double[Size, Low];
        for (var y = 0; y < Size; y++)
        {
            for (var v = 0; v < Low; v++)
            {
                double s = 0;
                for (var x = 0; x < Size; x++)
                {
                    s += grid[y, x] * Cosines[v, x];
                }

                rows[y, v] = s;
            }
        }

        var result = new double[Low, Low];
        for (var u = 0; u < Low; u++)
        {
            for (var v = 0; v < Low; v++)
            {
                double s = 0;
                for (var y = 0; y < Size; y++)
                {
                    s += rows[y, v] * Cosines[u, y];
                }

                result[u, v] = s;
            }
        }

        return result;
    }

    private static double[,] BuildCosines()
    {
        var c = new double[Low, Size];
        for (var k = 0; k < Low; k++)
        {
            for (var n = 0; n < Size; n++)
            {
                c[k, n] = Math.Cos(Math.PI / Size * (n + 0.5) * k);
            }
        }

        return c;
    }
}
