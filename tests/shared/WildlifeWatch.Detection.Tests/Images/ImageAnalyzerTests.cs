using SkiaSharp;
using WildlifeWatch.Detection.Images;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Detection.Tests.Images;

public sealed class ImageAnalyzerTests
{
    private const int NearDuplicate = 6;
    private static readonly ImageAnalyzer Analyzer = new();

    [Test]
    public void The_hash_is_stable_under_resize_and_reencode_of_the_same_photo()
    {
        using var photo = TestImages.Photo(seed: 7);
        using var smaller = TestImages.Resize(photo, 320, 240);
        using var larger = TestImages.Resize(photo, 1024, 768);
        var original = Analyzer.Analyze(TestImages.Encode(photo, SKEncodedImageFormat.Png)).PerceptualHash;

        Assert.Multiple(() =>
        {
            Assert.That(PerceptualHash.Distance(original, Analyzer.Analyze(TestImages.Encode(photo, SKEncodedImageFormat.Jpeg, 60)).PerceptualHash), Is.LessThanOrEqualTo(NearDuplicate), "JPEG q60");
            Assert.That(PerceptualHash.Distance(original, Analyzer.Analyze(TestImages.Encode(smaller, SKEncodedImageFormat.Jpeg, 75)).PerceptualHash), Is.LessThanOrEqualTo(NearDuplicate), "half size JPEG");
            Assert.That(PerceptualHash.Distance(original, Analyzer.Analyze(TestImages.Encode(larger, SKEncodedImageFormat.Webp, 80)).PerceptualHash), Is.LessThanOrEqualTo(NearDuplicate), "larger WebP");
        });
    }

    [Test]
    public void Different_photos_get_distant_hashes()
    {
        var hashes = Enumerable.Range(1, 8).Select(seed =>
        {
            using var photo = TestImages.Photo(seed);
            return Analyzer.Analyze(TestImages.Encode(photo, SKEncodedImageFormat.Jpeg)).PerceptualHash;
        }).ToList();

        var closest = hashes.SelectMany((a, i) => hashes.Skip(i + 1).Select(b => PerceptualHash.Distance(a, b))).Min();

        Assert.That(closest, Is.GreaterThan(NearDuplicate * 2));
    }

    [Test]
    public void A_gradient_with_faint_stripes_has_little_detail_and_a_photo_much()
    {
        using var gradient = new SKBitmap(240, 180, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (var y = 0; y < 180; y++)
        {
            for (var x = 0; x < 240; x++)
            {
                var shade = (1.0 - (0.35 * (x + y) / 420.0)) * (((x + y) / 16) % 5 == 0 ? 0.82 : 1.0);
                gradient.SetPixel(x, y, new SKColor((byte)(205 * shade), (byte)(133 * shade), (byte)(63 * shade)));
            }
        }

        using var photo = TestImages.Photo(seed: 5);

        var flat = Analyzer.Analyze(TestImages.Encode(gradient, SKEncodedImageFormat.Png)).Detail;
        var rich = Analyzer.Analyze(TestImages.Encode(photo, SKEncodedImageFormat.Png)).Detail;

        Assert.Multiple(() =>
        {
            Assert.That(flat, Is.LessThan(12), "gradient");
            Assert.That(rich, Is.GreaterThan(24), "photo");
        });
    }

    [Test]
    public void Format_and_dimensions_are_reported()
    {
        using var photo = TestImages.Photo(seed: 3, width: 300, height: 200);

        var facts = Analyzer.Analyze(TestImages.Encode(photo, SKEncodedImageFormat.Png));

        Assert.That((facts.Format, facts.Width, facts.Height), Is.EqualTo(("png", 300, 200)));
    }

    [Test]
    public void Exif_gps_time_and_camera_are_read_from_a_jpeg()
    {
        using var photo = TestImages.Photo(seed: 11, width: 200, height: 150);
        var jpeg = TestImages.WithExif(
            TestImages.Encode(photo, SKEncodedImageFormat.Jpeg), "Canon", "Canon EOS 80D", "083024001234", "2024:03:05 14:22:10", 10.776, 106.701);

        var facts = Analyzer.Analyze(jpeg);

        Assert.Multiple(() =>
        {
            Assert.That(facts.GpsLatitude, Is.EqualTo(10.776).Within(0.0001));
            Assert.That(facts.GpsLongitude, Is.EqualTo(106.701).Within(0.0001));
            Assert.That(facts.TakenAt, Is.EqualTo(new DateTimeOffset(2024, 3, 5, 14, 22, 10, TimeSpan.Zero)));
            Assert.That(facts.CameraMake, Is.EqualTo("Canon"));
            Assert.That(facts.CameraModel, Is.EqualTo("Canon EOS 80D"));
            Assert.That(facts.CameraSerial, Is.EqualTo("083024001234"));
        });
    }

    [Test]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        using var huge = new SKBitmap(8000, 8000, SKColorType.Gray8, SKAlphaType.Opaque);
        huge.Erase(SKColors.White);
        var png = TestImages.Encode(huge, SKEncodedImageFormat.Png);

        Assert.That(png, Has.Length.LessThan(1_000_000), "a small file…");
        Assert.That(() => new ImageAnalyzer(maxPixels: 10_000_000).Analyze(png),
            Throws.TypeOf<ImageRejectedException>().With.Message.Contains("pixels"), "…that would decode to 64 megapixels");
    }

    [Test]
    public void Files_over_the_byte_limit_and_non_images_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ImageAnalyzer(maxBytes: 100).Analyze(new byte[101]), Throws.TypeOf<ImageRejectedException>());
            Assert.That(() => Analyzer.Analyze("<html>not an image</html>"u8.ToArray()), Throws.TypeOf<ImageRejectedException>());
        });
    }
}
