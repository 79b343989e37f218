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
/// Re-hashes every stored artifact of a crawl's captures and checks that each capture's manifest names
/// the same hashes as the capture row: a changed byte anywhere shows up as a problem. A capture that retention
/// purged keeps only its manifest, so only the manifest is checked for it.
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
                }
            }

            progress?.Report(i + 1);
        }

        return new EvidenceReport(captures.Count, artifacts, problems) { CapturesPurged = purged };
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
