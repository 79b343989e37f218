using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection;
using WildlifeWatch.Detection.Contacts;
using WildlifeWatch.Detection.Images;
using WildlifeWatch.Store;

namespace WildlifeWatch.Extractor;

/// <summary>
/// Turns an extracted listing into its traits: language, contacts and identifiers, and analysed images (each image is
/// also stored as an evidence artifact by its SHA-256). Without an image source, images are left out.
/// </summary>
public sealed class ListingEnricher
{
    private readonly ContactExtractor _contacts;
    private readonly LanguageIdentifier _languages;
    private readonly IImageSource? _images;
    private readonly ImageAnalyzer _analyzer;
    private readonly ExtractorOptions _options;
    private readonly ILogger<ListingEnricher> _logger;

    public ListingEnricher(
        ContactExtractor contacts,
        LanguageIdentifier languages,
        IImageSource? images = null,
        ExtractorOptions? options = null,
        ILogger<ListingEnricher>? logger = null)
    {
        _contacts = contacts;
        _languages = languages;
        _images = images;
        _options = options ?? new ExtractorOptions();
        _analyzer = new ImageAnalyzer(_options.MaxImageBytes, _options.MaxImagePixels);
        _logger = logger ?? NullLogger<ListingEnricher>.Instance;
    }

    public async Task<ListingTraits> EnrichAsync(string listingId, ExtractedListing listing, Uri pageUrl, IPipelineStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(pageUrl);
        ArgumentNullException.ThrowIfNull(store);
        var text = string.Join('\n', [listing.Title, listing.Description, listing.Seller ?? "", .. listing.ContactLinks]);
        var contacts = _contacts.Extract(text, RegionOf(listing, pageUrl), pageUrl.Host);
        var language = _languages.Identify(listing.Title + "\n" + listing.Description);
        var images = _images is null || !_options.FetchImages ? [] : await AnalyzeImagesAsync(listing.ImageUrls, store, ct);
        return new ListingTraits(listingId, language, contacts, images)
        {
            SellerProfileUrl = listing.SellerUrl,
            Location = listing.Location,
            PostedAt = listing.PostedAt,
            Categories = listing.Categories,
        };
    }

    /// <summary>The site profile's country, else the country-code top-level domain of the page ("….vn" → VN).</summary>
    public static string? RegionOf(ExtractedListing listing, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(pageUrl);
        if (listing.Country is { } country)
        {
            return country;
        }

        var tld = pageUrl.Host[(pageUrl.Host.LastIndexOf('.') + 1)..].ToUpperInvariant();
        return tld switch
        {
            "UK" => "GB",
            { Length: 2 } when char.IsAsciiLetter(tld[0]) && char.IsAsciiLetter(tld[1]) => tld,
            _ => null,
        };
    }

    private async Task<IReadOnlyList<ListingImage>> AnalyzeImagesAsync(IReadOnlyList<string> urls, IPipelineStore store, CancellationToken ct)
    {
        var result = new List<ListingImage>();
        foreach (var url in urls.Take(_options.MaxImagesPerListing))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ImageTimeout);
            byte[]? bytes;
            try
            {
                bytes = await _images!.GetAsync(uri, _options.MaxImageBytes, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                bytes = null;
            }

            if (bytes is null)
            {
                _logger.LogDebug("Image {Url} could not be fetched within the limits", url);
                continue;
            }

            try
            {
                var facts = _analyzer.Analyze(bytes);
                var sha = await store.PutArtifactAsync(bytes, "image/" + facts.Format, ct);
                result.Add(new ListingImage(url, sha, facts.PerceptualHash, facts.Width, facts.Height, facts.Format)
                {
                    Detail = facts.Detail,
                    GpsLatitude = facts.GpsLatitude,
                    GpsLongitude = facts.GpsLongitude,
                    TakenAt = facts.TakenAt,
                    CameraMake = facts.CameraMake,
                    CameraModel = facts.CameraModel,
                    CameraSerial = facts.CameraSerial,
                });
            }
            catch (ImageRejectedException e)
            {
                _logger.LogInformation("Image {Url} refused: {Reason}", url, e.Message);
            }
        }

        return result;
    }
}
