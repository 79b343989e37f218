using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Extractor;

/// <summary>Settings of the extractor (section <c>Extractor</c>, environment <c>Extractor__FetchImages</c>, ...).</summary>
public sealed class ExtractorOptions : IValidatableObject
{
    public const string Section = "Extractor";

    /// <summary>A site-profile YAML file or a folder of them; none by default.</summary>
    public string? ProfilesPath { get; set; }

    /// <summary>Fetch listing images to hash them and read their EXIF; off, listings carry image URLs only.</summary>
    public bool FetchImages { get; set; } = true;

    [Range(1, int.MaxValue)]
    public int MaxImagesPerListing { get; set; } = 6;

    /// <summary>Bytes read of one image at most; a longer response is abandoned.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Declared width × height at most; a larger image (a decompression bomb) is refused before decoding.</summary>
    [Range(1, 500_000_000L)]
    public long MaxImagePixels { get; set; } = 40_000_000;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ImageTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Two images whose perceptual hashes differ in at most this many of 64 bits are the same photo.</summary>
    [Range(0, 32)]
    public int NearDuplicateMaxDistance { get; set; } = 6;

    /// <summary>An image that is near the images of more listings than this is a stock photo or placeholder: no evidence.</summary>
    [Range(1, 1000)]
    public int StockImageListings { get; set; } = SellerLinker.DefaultStockImageListings;

    /// <summary>Images with less structure than this (grey levels around a smooth gradient) are never link evidence.</summary>
    [Range(0.0, 128.0)]
    public double MinImageDetail { get; set; } = SellerLinker.DefaultMinImageDetail;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ProfilesPath is { Length: > 0 } path && !File.Exists(path) && !Directory.Exists(path))
        {
            yield return new ValidationResult($"Extractor: ProfilesPath '{path}' is neither a file nor a folder.", [nameof(ProfilesPath)]);
        }
    }
}
