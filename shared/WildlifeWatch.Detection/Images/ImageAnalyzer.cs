using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using SkiaSharp;

namespace WildlifeWatch.Detection.Images;

/// <summary>What one listing image is: format, size, perceptual hash and the camera metadata it carries.</summary>
public sealed record ImageFacts(
    string Format,
    int Width,
    int Height,
    ulong PerceptualHash,
    double Detail,
    double? GpsLatitude,
    double? GpsLongitude,
    DateTimeOffset? TakenAt,
    string? CameraMake,
    string? CameraModel,
    string? CameraSerial);

/// <summary>Thrown for an image that is refused before or while decoding (too large, a decompression bomb, not an image).</summary>
public sealed class ImageRejectedException(string message) : Exception(message);

/// <summary>
/// Decodes a listing image (SkiaSharp) within limits and computes its <see cref="PerceptualHash"/>; reads EXIF GPS,
/// capture time and camera make, model and serial (MetadataExtractor).
/// </summary>
/// <remarks>
/// The header is read first and the image refused when its byte size or its declared pixel count exceeds the limits, so
/// a small file that would expand into gigabytes of pixels (a decompression bomb) is never decoded.
/// </remarks>
public sealed class ImageAnalyzer(long maxBytes = ImageAnalyzer.DefaultMaxBytes, long maxPixels = ImageAnalyzer.DefaultMaxPixels)
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;
    public const long DefaultMaxPixels = 40_000_000;

    public ImageFacts Analyze(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > maxBytes)
        {
            throw new ImageRejectedException($"Image of {bytes.LongLength} bytes is over the limit of {maxBytes}.");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new ImageRejectedException("Not an image in a format the decoder knows.");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > maxPixels)
        {
            throw new ImageRejectedException($"Image of {info.Width}×{info.Height} pixels is over the limit of {maxPixels} pixels.");
        }

        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new ImageRejectedException($"Image could not be decoded: {result}.");
        }

        var (hash, detail) = PerceptualHash.Fingerprint(Luma(bitmap), info.Width, info.Height);
        var facts = new ImageFacts(FormatName(codec.EncodedFormat), info.Width, info.Height, hash, detail, null, null, null, null, null, null);
        return WithMetadata(facts, bytes);
    }

    /// <summary>ITU-R BT.601 luma; transparent pixels count as white, the usual page background.</summary>
    private static float[] Luma(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        var luma = new float[bitmap.Width * bitmap.Height];
        for (var i = 0; i < luma.Length; i++)
        {
            var r = pixels[i * 4];
            var g = pixels[(i * 4) + 1];
            var b = pixels[(i * 4) + 2];
            var a = pixels[(i * 4) + 3] / 255f;
            var y = (0.299f * r) + (0.587f * g) + (0.114f * b);
            luma[i] = (y * a) + (255f * (1 - a));
        }

        return luma;
    }

    private static string FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "jpeg",
        SKEncodedImageFormat.Png => "png",
        SKEncodedImageFormat.Gif => "gif",
        SKEncodedImageFormat.Webp => "webp",
        SKEncodedImageFormat.Bmp => "bmp",
        SKEncodedImageFormat.Heif => "heif",
        SKEncodedImageFormat.Avif => "avif",
        _ => format.ToString().ToLowerInvariant(),
    };

    private static ImageFacts WithMetadata(ImageFacts facts, byte[] bytes)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            directories = ImageMetadataReader.ReadMetadata(stream);
        }
        catch (ImageProcessingException)
        {
            return facts;
        }
        catch (IOException)
        {
            return facts;
        }

        var gps = directories.OfType<GpsDirectory>().Select(d => d.GetGeoLocation()).FirstOrDefault(g => g is not null);
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        DateTimeOffset? takenAt = null;
        if (sub is not null && sub.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var original))
        {
            // EXIF times carry no zone; they are kept as written, labelled UTC.
            takenAt = new DateTimeOffset(DateTime.SpecifyKind(original, DateTimeKind.Unspecified), TimeSpan.Zero);
        }

        return facts with
        {
            GpsLatitude = gps?.Latitude,
            GpsLongitude = gps?.Longitude,
            TakenAt = takenAt,
            CameraMake = Clean(ifd0?.GetString(ExifDirectoryBase.TagMake)),
            CameraModel = Clean(ifd0?.GetString(ExifDirectoryBase.TagModel)),
            CameraSerial = Clean(sub?.GetString(ExifDirectoryBase.TagBodySerialNumber) ?? ifd0?.GetString(ExifDirectoryBase.TagBodySerialNumber)),
        };
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().TrimEnd('\0');
}
