using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WildlifeWatch.Store;

/// <summary>One file of an evidence package and what the package's manifest says of it.</summary>
public sealed record PackageFile(string Path, string Sha256, long Size, string? CaptureId = null, DateTimeOffset? CapturedAt = null);

/// <summary>The manifest at the root of an evidence package (<c>manifest.json</c>).</summary>
public sealed record PackageManifest(
    string Format,
    DateTimeOffset ExportedAt,
    string ExportedBy,
    string? Case,
    IReadOnlyList<PackageListing> Listings,
    IReadOnlyList<PackageFile> Files);

public sealed record PackageListing(string Id, string Url, string Platform, IReadOnlyList<PackageCapture> Captures);

/// <summary>A capture in a package; <see cref="Purged"/> when retention removed its raw artifacts before the export.</summary>
public sealed record PackageCapture(string Id, string Url, string FinalUrl, int HttpStatus, DateTimeOffset StartedAt, DateTimeOffset CapturedAt, bool Purged);

public sealed record PackageExport(string ManifestSha256, int Listings, int Captures, int Files);

public sealed record PackageProblem(string Path, string Problem);

public sealed record PackageCheck(string ManifestSha256, int FilesChecked, IReadOnlyList<PackageProblem> Problems)
{
    public bool IsIntact => Problems.Count == 0;
}

/// <summary>Thrown when stored evidence no longer matches its recorded hash: such evidence is never packaged.</summary>
public sealed class EvidenceIntegrityException(string message) : Exception(message);

/// <summary>
/// Evidence packages: a ZIP an investigator hands to a prosecutor or a platform. It holds, per listing, the extracted
/// listing with its score history and alert, and every capture of its page with the rendered HTML, visible text,
/// screenshot, the capture's own manifest and its WARC; at the root <c>manifest.json</c> with the SHA-256 of every file
/// and the capture times, and <c>audit.jsonl</c>, the audit trail of the listings and of the case. Each artifact is
/// re-hashed against the store before it is written, and the export itself is audited with the manifest's hash.
/// </summary>
public sealed class EvidencePackage(IPipelineStore store, TimeProvider? time = null)
{
    public const string Format = "wildlife-trade-watch/evidence-package/1";
    public const string ManifestPath = "manifest.json";
    public const string AuditPath = "audit.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<PackageExport> ExportAsync(IReadOnlyList<string> listingIds, Stream output, string exportedBy, string? caseName = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(listingIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(exportedBy);
        if (listingIds.Count == 0)
        {
            throw new ArgumentException("An evidence package needs at least one listing.", nameof(listingIds));
        }

        var files = new List<PackageFile>();
        var listings = new List<PackageListing>();
        var audit = new List<AuditEntry>();
        var exportedAt = _time.GetUtcNow();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in listingIds.Distinct(StringComparer.Ordinal))
            {
                var listing = await store.GetListingAsync(id, ct) ?? throw new KeyNotFoundException($"No listing '{id}' in the store.");
                var captures = await CapturesOfAsync(listing, ct);
                var folder = $"listings/{Safe(listing.Id)}";
                var alert = await store.GetAlertOfListingAsync(listing.Id, ct);
                var record = new
                {
                    listing,
                    scores = await store.GetScoreHistoryAsync(listing.Id, ct),
                    alert,
                    alertHistory = alert is null ? Array.Empty<AlertChange>() : await store.GetAlertHistoryAsync(alert.Id, ct),
                    labels = await store.GetLabelsAsync(listing.Id, ct),
                };
                files.Add(Write(zip, $"{folder}/listing.json", JsonSerializer.SerializeToUtf8Bytes(record, Json), listing.ExtractedAt));

                var packaged = new List<PackageCapture>();
                foreach (var capture in captures)
                {
                    var artifacts = capture.PurgedAt is null
                        ? new List<(string, string)> { ("page.html", capture.HtmlSha256), ("text.txt", capture.TextSha256), ("screenshot.png", capture.ScreenshotSha256), ("capture-manifest.json", capture.ManifestSha256) }
                        : [("capture-manifest.json", capture.ManifestSha256)];
                    // The WARC the capture's manifest cites (gzip per record), as the fetcher wrote it. The manifest read
                    // here is the one packaged below, not read twice.
                    var captureManifest = await store.GetArtifactAsync(capture.ManifestSha256, ct);
                    if (capture.PurgedAt is null && captureManifest is not null && EvidenceVerifier.WarcOf(captureManifest) is { } warcSha)
                    {
                        artifacts.Add(("capture.warc.gz", warcSha));
                    }

                    foreach (var (name, sha) in artifacts)
                    {
                        var content = (sha == capture.ManifestSha256 ? captureManifest : await store.GetArtifactAsync(sha, ct))
                            ?? throw new EvidenceIntegrityException($"Capture {capture.Id}: artifact {name} ({sha}) is missing from the store.");
                        if (Hashing.Sha256Hex(content) != sha)
                        {
                            throw new EvidenceIntegrityException($"Capture {capture.Id}: artifact {name} no longer hashes to {sha}; run 'pipeline verify'.");
                        }

                        files.Add(Write(zip, $"{folder}/captures/{Safe(capture.Id)}/{name}", content, capture.CapturedAt) with
                        {
                            CaptureId = capture.Id,
                            CapturedAt = capture.CapturedAt,
                        });
                    }

                    packaged.Add(new PackageCapture(capture.Id, capture.Url, capture.FinalUrl, capture.HttpStatus, capture.StartedAt, capture.CapturedAt, capture.PurgedAt is not null));
                }

                listings.Add(new PackageListing(listing.Id, listing.Url, ListingFacts.Platform(listing.Url), packaged));
                audit.AddRange(await store.GetAuditAsync(subject: listing.Id, ct: ct));
            }

            if (caseName is not null)
            {
                // The case's own entries (opened, exported before) belong to its trail as much as its listings' do.
                audit.AddRange(await store.GetAuditAsync(subject: caseName, ct: ct));
            }

            var trail = string.Concat(audit.OrderBy(a => a.At).Select(a => JsonSerializer.Serialize(a, JsonLine) + "\n"));
            files.Add(Write(zip, AuditPath, System.Text.Encoding.UTF8.GetBytes(trail), exportedAt));

            var manifest = new PackageManifest(Format, exportedAt, exportedBy, caseName, listings, files);
            var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
            Write(zip, ManifestPath, manifestBytes, exportedAt);
            var manifestSha = Hashing.Sha256Hex(manifestBytes);
            foreach (var listing in listings)
            {
                await store.AppendAuditAsync(new AuditEntry(exportedBy, "export", listing.Id,
                    $"evidence package manifest sha256 {manifestSha}" + (caseName is null ? string.Empty : $", case {caseName}"), exportedAt), ct);
            }

            return new PackageExport(manifestSha, listings.Count, listings.Sum(l => l.Captures.Count), files.Count);
        }
    }

    /// <summary>
    /// Checks a package against its manifest: every listed file present with its size and SHA-256, and no file that the
    /// manifest does not list. The manifest's own hash is returned so it can be compared with the one the export
    /// recorded in the audit log (or handed over with the package).
    /// </summary>
    public static PackageCheck Verify(Stream package)
    {
        var problems = new List<PackageProblem>();
        using var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        var manifestEntry = zip.GetEntry(ManifestPath);
        if (manifestEntry is null)
        {
            return new PackageCheck(string.Empty, 0, [new PackageProblem(ManifestPath, "missing: this is not an evidence package")]);
        }

        var manifestBytes = ReadAll(manifestEntry);
        PackageManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PackageManifest>(manifestBytes, Json);
        }
        catch (JsonException e)
        {
            return new PackageCheck(Hashing.Sha256Hex(manifestBytes), 0, [new PackageProblem(ManifestPath, $"not a valid manifest: {e.Message}")]);
        }

        if (manifest is null || manifest.Format != Format)
        {
            return new PackageCheck(Hashing.Sha256Hex(manifestBytes), 0, [new PackageProblem(ManifestPath, $"unknown format '{manifest?.Format}'")]);
        }

        var listed = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            var entry = zip.GetEntry(file.Path);
            if (entry is null)
            {
                problems.Add(new PackageProblem(file.Path, "listed in the manifest but missing"));
                continue;
            }

            var content = ReadAll(entry);
            var actual = Hashing.Sha256Hex(content);
            if (actual != file.Sha256 || content.LongLength != file.Size)
            {
                problems.Add(new PackageProblem(file.Path, $"manifest says sha256 {file.Sha256} ({file.Size} bytes), file has {actual} ({content.LongLength} bytes)"));
            }
        }

        foreach (var entry in zip.Entries.Where(e => e.FullName != ManifestPath && !listed.ContainsKey(e.FullName)))
        {
            problems.Add(new PackageProblem(entry.FullName, "not listed in the manifest"));
        }

        return new PackageCheck(Hashing.Sha256Hex(manifestBytes), manifest.Files.Count, problems);
    }

    private static readonly JsonSerializerOptions JsonLine = new(JsonSerializerDefaults.Web);

    private async Task<IReadOnlyList<Capture>> CapturesOfAsync(Listing listing, CancellationToken ct)
    {
        // Every capture of the listing's page in its crawl (revisits add captures; none is ever overwritten).
        var own = await store.GetCaptureAsync(listing.CaptureId, ct) ?? throw new EvidenceIntegrityException($"Listing {listing.Id}: its capture {listing.CaptureId} is missing.");
        var all = await store.GetCapturesAsync(listing.CrawlId, ct);
        return all.Where(c => c.NormalizedUrl == own.NormalizedUrl).Append(own).DistinctBy(c => c.Id).OrderBy(c => c.CapturedAt).ToList();
    }

    private static PackageFile Write(ZipArchive zip, string path, byte[] content, DateTimeOffset at)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = at < new DateTimeOffset(1980, 1, 2, 0, 0, 0, TimeSpan.Zero) ? new DateTimeOffset(1980, 1, 2, 0, 0, 0, TimeSpan.Zero) : at;
        using (var stream = entry.Open())
        {
            stream.Write(content);
        }

        return new PackageFile(path, Hashing.Sha256Hex(content), content.LongLength);
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    // Listing and capture ids become folder names: keep them to characters every file system and ZIP tool accepts,
    // and keep two ids that differ only in other characters apart.
    private static string Safe(string id)
    {
        var safe = string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return safe == id ? id : $"{safe}-{Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(id))[..12]}";
    }
}
