using System.IO.Compression;
using System.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Reads XML sitemaps and sitemap indexes (sitemaps.org 0.9), plain or gzip (recognised by its magic bytes, whatever
/// the server says), following an index to its sitemaps. Bounded: the sitemaps.org limits of 50,000 URLs and 50 MB
/// per file, at most <see cref="SchedulerOptions.MaxSitemapUrls"/> URLs and <see cref="SchedulerOptions.MaxSitemapFiles"/>
/// files per read, no DTDs (no entity expansion). A sitemap that cannot be read is logged and skipped.
/// </summary>
public sealed class SitemapReader(HttpClient http, IOptions<SchedulerOptions> options, ILogger<SitemapReader> logger)
{
    private const int MaxBytes = 50 * 1024 * 1024;
    private const int MaxUrlsPerFile = 50_000;
    private const int MaxIndexDepth = 3;

    /// <summary>The page URLs of the sitemaps at <paramref name="sitemapUrls"/>, in document order, without repeats.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(IEnumerable<string> sitemapUrls, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sitemapUrls);
        var settings = options.Value;
        var pages = new List<string>();
        var seenPages = new HashSet<string>(StringComparer.Ordinal);
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<(string Url, int Depth)>(sitemapUrls.Select(u => (u, 0)));
        while (pending.Count > 0 && seenFiles.Count < settings.MaxSitemapFiles && pages.Count < settings.MaxSitemapUrls)
        {
            var (url, depth) = pending.Dequeue();
            if (!seenFiles.Add(url))
            {
                continue;
            }

            var document = await FetchAsync(url, ct);
            if (document is null)
            {
                continue;
            }

            foreach (var loc in document.Locations)
            {
                if (document.IsIndex)
                {
                    if (depth + 1 < MaxIndexDepth)
                    {
                        pending.Enqueue((loc, depth + 1));
                    }
                }
                else if (pages.Count < settings.MaxSitemapUrls && seenPages.Add(loc))
                {
                    pages.Add(loc);
                }
            }
        }

        return pages;
    }

    /// <summary>Parses one sitemap or sitemap index; the locations are the absolute http(s) <c>loc</c> values.</summary>
    public static SitemapDocument Parse(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var locations = new List<string>();
        bool? isIndex = null;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxBytes,
            Async = false,
        };
        using var reader = XmlReader.Create(content, settings);
        while (reader.Read() && locations.Count < MaxUrlsPerFile)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "urlset" when isIndex is null:
                    isIndex = false;
                    break;
                case "sitemapindex" when isIndex is null:
                    isIndex = true;
                    break;
                case "loc":
                    var loc = reader.ReadElementContentAsString().Trim();
                    if (Uri.TryCreate(loc, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                    {
                        locations.Add(uri.AbsoluteUri);
                    }

                    break;
            }
        }

        return isIndex is null
            ? throw new InvalidDataException("neither a <urlset> nor a <sitemapindex>")
            : new SitemapDocument(isIndex.Value, locations);
    }

    private async Task<SitemapDocument?> FetchAsync(string url, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var response = await http.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Sitemap {Url} answered {Status}; skipped", url, (int)response.StatusCode);
                return null;
            }

            await using var raw = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var body = await ReadBoundedAsync(raw, timeout.Token);
            var head = new byte[2];
            var gzip = body.Read(head, 0, 2) == 2 && head[0] == 0x1F && head[1] == 0x8B;
            body.Position = 0;
            if (!gzip)
            {
                return Parse(body);
            }

            await using var unzipped = new GZipStream(body, CompressionMode.Decompress);
            using var inflated = await ReadBoundedAsync(unzipped, timeout.Token);
            return Parse(inflated);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or XmlException or InvalidDataException)
        {
            logger.LogWarning("Sitemap {Url} could not be read; skipped: {Reason}", url, e.Message);
            return null;
        }
    }

    /// <summary>Copies at most <see cref="MaxBytes"/>; more is refused, which also stops a gzip bomb.</summary>
    private static async Task<MemoryStream> ReadBoundedAsync(Stream source, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await source.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                await buffer.DisposeAsync();
                throw new InvalidDataException($"larger than {MaxBytes / (1024 * 1024)} MB");
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }
}

/// <summary>One parsed sitemap file: the page URLs of a <c>urlset</c>, or the sitemap URLs of a <c>sitemapindex</c>.</summary>
public sealed record SitemapDocument(bool IsIndex, IReadOnlyList<string> Locations);
