using System.Text.Json;

namespace WildlifeWatch.Store;

public sealed record EvidenceProblem(string CaptureId, string Url, string Artifact, string Problem);

public sealed record EvidenceReport(int CapturesChecked, int ArtifactsChecked, IReadOnlyList<EvidenceProblem> Problems)
{
    public bool IsIntact => Problems.Count == 0;

    /// <summary>Captures whose raw artifacts retention removed; only their manifest was checked.</summary>
    public int CapturesPurged { get; init; }
}

/// <summary>
/// Re-hashes every stored artifact of a crawl's captures (the WARC included, record by record) and checks that each
/// capture's manifest names the same hashes as the capture row: a changed byte anywhere shows up as a problem. A
/// capture that retention purged keeps only its manifest, so only the manifest is checked for it.
/// </summary>
public sealed class EvidenceVerifier(IPipelineStore store)
{
    public async Task<EvidenceReport> VerifyAsync(string crawlId, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var problems = new List<EvidenceProblem>();
        var artifacts = 0;
        var purged = 0;
        var captures = await store.GetCapturesAsync(crawlId, ct);
        for (var i = 0; i < captures.Count; i++)
        {
            var capture = captures[i];
            var named = capture.PurgedAt is null
                ? new (string Name, string Sha)[]
                {
                    ("html", capture.HtmlSha256), ("text", capture.TextSha256), ("screenshot", capture.ScreenshotSha256), ("manifest", capture.ManifestSha256),
                }
                : [("manifest", capture.ManifestSha256)];
            purged += capture.PurgedAt is null ? 0 : 1;
            foreach (var (name, sha) in named)
            {
                artifacts++;
                var content = await store.GetArtifactAsync(sha, ct);
                if (content is null)
                {
                    problems.Add(new EvidenceProblem(capture.Id, capture.Url, name, $"artifact {sha} is missing"));
                }
                else if (Hashing.Sha256Hex(content) is var actual && actual != sha)
                {
                    problems.Add(new EvidenceProblem(capture.Id, capture.Url, name, $"stored as {sha} but its content hashes to {actual}"));
                }
                else if (name == "manifest")
                {
                    problems.AddRange(CheckManifest(capture, content));
                    if (capture.PurgedAt is null && WarcOf(content) is { } warcSha)
                    {
                        artifacts++;
                        problems.AddRange(await CheckWarcAsync(capture, warcSha, ct));
                    }
                }
            }

            progress?.Report(i + 1);
        }

        return new EvidenceReport(captures.Count, artifacts, problems) { CapturesPurged = purged };
    }

    /// <summary>The WARC's SHA-256 as the manifest cites it; null for a manifest from before the fetcher wrote WARCs.</summary>
    internal static string? WarcOf(byte[] manifest)
    {
        try
        {
            using var doc = JsonDocument.Parse(manifest);
            return doc.RootElement.TryGetProperty("artifacts", out var artifacts) && artifacts.TryGetProperty("warc", out var warc)
                && warc.TryGetProperty("sha256", out var sha) ? sha.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Re-hashes the WARC, checks every record's digests, and checks that its screenshot and rendered-DOM records are
    /// the capture's own artifacts.
    /// </summary>
    private async Task<IEnumerable<EvidenceProblem>> CheckWarcAsync(Capture capture, string sha, CancellationToken ct)
    {
        var warc = await store.GetArtifactAsync(sha, ct);
        if (warc is null)
        {
            return [new EvidenceProblem(capture.Id, capture.Url, "warc", $"artifact {sha} is missing")];
        }

        if (Hashing.Sha256Hex(warc) is var actual && actual != sha)
        {
            return [new EvidenceProblem(capture.Id, capture.Url, "warc", $"stored as {sha} but its content hashes to {actual}")];
        }

        var problems = WarcVerifier.Verify(warc).Select(p => new EvidenceProblem(capture.Id, capture.Url, "warc", p)).ToList();
        if (problems.Count > 0)
        {
            return problems;
        }

        foreach (var record in WarcReader.Read(warc).Where(r => r.Type == "resource"))
        {
            var target = record["WARC-Target-URI"] ?? string.Empty;
            var expected = target.StartsWith("urn:wtw:screenshot:", StringComparison.Ordinal) ? capture.ScreenshotSha256
                : target.StartsWith("urn:wtw:rendered-dom:", StringComparison.Ordinal) ? capture.HtmlSha256
                : null;
            if (expected is not null && Hashing.Sha256Hex(record.Block) != expected)
            {
                problems.Add(new EvidenceProblem(capture.Id, capture.Url, "warc", $"its {target.Split(':')[2]} record is not the capture's artifact {expected}"));
            }
        }

        return problems;
    }

    private static IEnumerable<EvidenceProblem> CheckManifest(Capture capture, byte[] manifest)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(manifest);
        }
        catch (JsonException e)
        {
            return [new EvidenceProblem(capture.Id, capture.Url, "manifest", $"not valid JSON: {e.Message}")];
        }

        using (doc)
        {
            var found = new List<EvidenceProblem>();
            var text = doc.RootElement.GetRawText();
            foreach (var (name, sha) in new[] { ("html", capture.HtmlSha256), ("text", capture.TextSha256), ("screenshot", capture.ScreenshotSha256) })
            {
                // The manifest must name each artifact's hash; where it sits in the document is the fetcher's format.
                if (!text.Contains(sha, StringComparison.Ordinal))
                {
                    found.Add(new EvidenceProblem(capture.Id, capture.Url, "manifest", $"does not name the {name} hash {sha}"));
                }
            }

            return found;
        }
    }
}
