using System.Text;
using System.Text.Json;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The WARC/1.1 evidence of real captures, read back with the project's own reader.</summary>
[TestFixture]
[Category("Chromium")]
[NonParallelizable]
public sealed class WarcCaptureTests : BrowserTestBase
{
    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task Every_record_parses_back_and_every_digest_verifies(string mode)
    {
        var (records, captured, _) = await CaptureWarcAsync("/js-listing", mode);

        // In the browser the page's script call to /api/listing/17 is a sub-resource exchange of its own.
        var expected = mode == RenderMode.Browser
            ? new[] { "warcinfo", "response", "request", "response", "request", "resource", "resource", "metadata" }
            : ["warcinfo", "response", "request", "resource", "metadata"];
        Assert.That(records.Select(r => r.Type), Is.EqualTo(expected));
        foreach (var record in records)
        {
            Assert.Multiple(() =>
            {
                Assert.That(record["WARC-Record-ID"], Does.Match("^<urn:uuid:[0-9a-f-]{36}>$"));
                Assert.That(record["WARC-Date"], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"));
                Assert.That(record["WARC-Block-Digest"], Is.EqualTo(WarcWriter.Digest(record.Block)), record.Type);
                Assert.That(int.Parse(record["Content-Length"]!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(record.Block.Length));
            });
        }

        var response = records.First(r => r.Type == "response");
        var request = records.First(r => r.Type == "request");
        var metadata = Encoding.UTF8.GetString(records.Single(r => r.Type == "metadata").Block);
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r["WARC-Record-ID"]).Distinct().Count(), Is.EqualTo(records.Count));
            Assert.That(response["WARC-Target-URI"], Is.EqualTo(Site.Url("/js-listing").AbsoluteUri));
            Assert.That(response["WARC-Payload-Digest"], Is.EqualTo(WarcWriter.Digest(response.Payload())));
            Assert.That(request["WARC-Concurrent-To"], Is.EqualTo(response["WARC-Record-ID"]));
            Assert.That(Encoding.ASCII.GetString(request.Block), Does.StartWith("GET /js-listing HTTP/1.1\r\n").And.Contains("User-Agent: " + FetcherOptions.DefaultUserAgent));
            Assert.That(Encoding.ASCII.GetString(response.Block), Does.StartWith("HTTP/1.1 200 OK\r\n"));
            Assert.That(metadata, Does.Contain("html-sha256: " + captured.HtmlSha256).And.Contain("screenshot-sha256: " + captured.ScreenshotSha256));
        });
        if (mode == RenderMode.Browser)
        {
            var screenshot = records.Single(r => r["WARC-Target-URI"]?.StartsWith("urn:wtw:screenshot:", StringComparison.Ordinal) == true);
            var dom = records.Single(r => r["WARC-Target-URI"]?.StartsWith("urn:wtw:rendered-dom:", StringComparison.Ordinal) == true);
            Assert.Multiple(async () =>
            {
                Assert.That(Hashing.Sha256Hex(screenshot.Block), Is.EqualTo(captured.ScreenshotSha256));
                Assert.That(Hashing.Sha256Hex(dom.Block), Is.EqualTo(captured.HtmlSha256));
                Assert.That(dom.Block, Is.EqualTo(await Store.GetArtifactAsync(captured.HtmlSha256)));
                Assert.That(Encoding.UTF8.GetString(dom.Block), Does.Contain(FixtureSite.ScriptRenderedPhrase), "the DOM as rendered");
            });
        }
    }

    [TestCase(RenderMode.Browser)]
    [TestCase(RenderMode.Http)]
    public async Task The_response_record_reproduces_the_bytes_served_content_coding_included(string mode)
    {
        var (records, captured, _) = await CaptureWarcAsync("/gzipped", mode);

        var response = records.Single(r => r.Type == "response");
        var head = Encoding.ASCII.GetString(response.Block[..(response.Block.Length - response.Payload().Length)]);
        var text = Encoding.UTF8.GetString((await Store.GetArtifactAsync(captured.TextSha256))!);
        Assert.Multiple(() =>
        {
            Assert.That(response.Payload().ToArray(), Is.EqualTo(FixtureSite.GzippedPage), "the body as it came off the wire");
            Assert.That(head, Does.Contain("Content-Encoding: gzip").And.Contain("Content-Length: " + FixtureSite.GzippedPage.Length));
            Assert.That(text, Does.Contain(FixtureSite.GzippedPhrase), "and decoded for the capture");
        });
    }

    [Test]
    public async Task Each_redirect_hop_is_recorded_and_the_warc_is_cited_by_the_manifest()
    {
        var (records, captured, manifest) = await CaptureWarcAsync("/redirect", RenderMode.Browser);

        var responses = records.Where(r => r.Type == "response").ToList();
        var warc = manifest.GetProperty("artifacts").GetProperty("warc");
        Assert.Multiple(async () =>
        {
            Assert.That(responses.Select(r => r["WARC-Target-URI"]), Is.EqualTo(new[] { Site.Url("/redirect").AbsoluteUri, Site.Url("/landing").AbsoluteUri }));
            Assert.That(Encoding.ASCII.GetString(responses[0].Block), Does.StartWith("HTTP/1.1 302 Found\r\n").And.Contain("Location: /landing"));
            Assert.That(warc.GetProperty("mediaType").GetString(), Is.EqualTo("application/warc"));
            var bytes = await Store.GetArtifactAsync(warc.GetProperty("sha256").GetString()!);
            Assert.That(bytes, Has.Length.EqualTo(warc.GetProperty("size").GetInt64()));
            Assert.That(captured.FinalUrl, Is.EqualTo(Site.Url("/landing").AbsoluteUri));
        });
    }

    private async Task<(IReadOnlyList<WarcRecord> Records, PageCaptured Captured, JsonElement Manifest)> CaptureWarcAsync(string path, string mode)
    {
        var (handler, publisher) = Handler();
        await handler.HandleAsync(Request(path, renderMode: mode), publisher);
        var captured = publisher.Of<PageCaptured>().Single();
        using var manifest = JsonDocument.Parse((await Store.GetArtifactAsync(captured.ManifestSha256))!);
        var warcSha = manifest.RootElement.GetProperty("artifacts").GetProperty("warc").GetProperty("sha256").GetString()!;
        var warc = (await Store.GetArtifactAsync(warcSha))!;
        Assert.That(warc.Take(2), Is.EqualTo(new byte[] { 0x1F, 0x8B }), "gzip");
        return (WarcReader.Read(warc), captured, manifest.RootElement.Clone());
    }
}

/// <summary>The WARC writer and reader on their own.</summary>
public sealed class WarcTests
{
    [TestCase("", "")]
    [TestCase("f", "MY======")]
    [TestCase("fo", "MZXQ====")]
    [TestCase("foo", "MZXW6===")]
    [TestCase("foob", "MZXW6YQ=")]
    [TestCase("foobar", "MZXW6YTBOI======")]
    public void Base32_follows_rfc_4648(string input, string expected) =>
        Assert.That(WarcDigest.Base32(Encoding.ASCII.GetBytes(input)), Is.EqualTo(expected));

    [Test]
    public void Digests_are_sha256_in_base32()
    {
        // SHA-256 of the empty string, e3b0c442..., in base32.
        Assert.That(WarcWriter.Digest([]), Is.EqualTo("sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="));
    }

    [Test]
    public void Records_are_gzip_members_of_their_own_and_read_back_exactly()
    {
        using var writer = new WarcWriter();
        byte[] block = [.. "binary\0\r\n\r\nblock"u8];
        writer.Add("resource", DateTimeOffset.UnixEpoch, "urn:x:1", "application/octet-stream", block);
        writer.Add("metadata", DateTimeOffset.UnixEpoch, "urn:x:1", "application/warc-fields", "a: b\r\n"u8.ToArray());
        var warc = writer.ToArray();

        var records = WarcReader.Read(warc);

        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(2));
            Assert.That(records[0].Block, Is.EqualTo(block));
            Assert.That(records[0]["WARC-Date"], Is.EqualTo("1970-01-01T00:00:00.000000Z"));
            Assert.That(CountGzipMembers(warc), Is.EqualTo(2));
        });
    }

    [TestCase("image/png", null, true)]
    [TestCase("image/jpeg; charset=binary", null, true)]
    [TestCase("IMAGE/WEBP", null, true)]
    [TestCase("font/woff2", null, true)]
    [TestCase("video/mp4", null, true)]
    [TestCase("text/html; charset=utf-8", "gzip", true)]
    [TestCase("application/json", "br", true)]
    [TestCase("text/html; charset=utf-8", null, false)]
    [TestCase("text/html", "identity", false)]
    [TestCase("application/javascript", null, false)]
    [TestCase("image/svg+xml", null, false)]
    [TestCase("image/bmp", null, false)]
    [TestCase(null, null, false)]
    public void Payloads_compressed_by_their_format_or_coding_are_told_apart(string? mediaType, string? coding, bool compressed) =>
        Assert.That(WarcWriter.IsCompressed(mediaType, coding), Is.EqualTo(compressed));

    [Test]
    public void A_compressed_payload_is_stored_and_text_is_deflated_and_both_read_back_exactly()
    {
        // The media type decides, not a trial of the bytes: these would deflate to almost nothing, and are still stored.
        var png = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i % 7)).ToArray();
        var html = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<li class=\"listing\">ivory bangle</li>", 2_000)));
        using var shot = new WarcWriter();
        shot.Add("resource", DateTimeOffset.UnixEpoch, "urn:x:shot", "image/png", png);
        using var dom = new WarcWriter();
        dom.Add("resource", DateTimeOffset.UnixEpoch, "urn:x:dom", "text/html", html);

        Assert.Multiple(() =>
        {
            Assert.That(WarcReader.Read(shot.ToArray()).Single().Block, Is.EqualTo(png));
            Assert.That(WarcReader.Read(dom.ToArray()).Single().Block, Is.EqualTo(html));
            // Stored: the member holds the block as it is, plus the record head and gzip framing.
            Assert.That(shot.ToArray(), Has.Length.GreaterThan(png.Length));
            Assert.That(dom.ToArray(), Has.Length.LessThan(html.Length / 20));
        });
    }

    [Test]
    public void A_response_record_of_an_image_keeps_the_image_bytes_and_its_digest()
    {
        var body = new byte[8 * 1024];
        new Random(11).NextBytes(body);
        var exchange = new HttpExchange(
            new Uri("http://127.0.0.1/img/1.png"), "GET", [KeyValuePair.Create("Accept", "image/*")], [], new Version(1, 1), 200, "OK",
            [KeyValuePair.Create("Content-Type", "image/png")], body, body, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        using var writer = new WarcWriter();
        writer.AddExchange(exchange);

        var records = WarcReader.Read(writer.ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.Type), Is.EqualTo(new[] { "response", "request" }));
            Assert.That(records[0].Block[^body.Length..], Is.EqualTo(body));
            Assert.That(Encoding.Latin1.GetString(records[0].Block), Does.StartWith("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n"));
            Assert.That(records[0]["WARC-Payload-Digest"], Is.EqualTo(WarcWriter.Digest(body)));
            Assert.That(records[1]["WARC-Concurrent-To"], Is.EqualTo(records[0]["WARC-Record-ID"]));
        });
    }

    [Test]
    public void A_truncated_record_is_reported()
    {
        using var writer = new WarcWriter();
        writer.Add("resource", DateTimeOffset.UnixEpoch, "urn:x:1", "text/plain", "hello"u8.ToArray());
        var plain = Encoding.UTF8.GetString(Ungzip(writer.ToArray()));
        var truncated = Encoding.UTF8.GetBytes(plain[..^6]);

        Assert.That(() => WarcReader.Read(truncated), Throws.TypeOf<FormatException>().With.Message.Contains("truncated"));
    }

    private static byte[] Ungzip(byte[] gz)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static int CountGzipMembers(byte[] data)
    {
        // A record starts wherever a gzip header begins a stream that decodes to "WARC/1.1".
        var members = 0;
        for (var i = 0; i + 2 < data.Length; i++)
        {
            if (data[i] != 0x1F || data[i + 1] != 0x8B || data[i + 2] != 8)
            {
                continue;
            }

            try
            {
                using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(data, i, data.Length - i), System.IO.Compression.CompressionMode.Decompress);
                var head = new byte[8];
                gzip.ReadExactly(head);
                members += Encoding.ASCII.GetString(head) == "WARC/1.1" ? 1 : 0;
            }
            catch (InvalidDataException)
            {
                // Not a member start after all.
            }
        }

        return members;
    }
}
