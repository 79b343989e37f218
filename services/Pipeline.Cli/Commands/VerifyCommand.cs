using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline verify</c>: re-hash a crawl's stored evidence and report every mismatch; the check is audited.</summary>
internal static class VerifyCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "crawl-id" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var store = access.Store;
        var crawls = await store.GetCrawlsAsync(ct);
        var crawlId = line.String("crawl-id") ?? (crawls.Count > 0 ? crawls[0].Id : throw new UsageException($"The store ({access.Description}) holds no crawl."));
        if (await store.GetCrawlAsync(crawlId, ct) is null)
        {
            throw new UsageException($"The store ({access.Description}) has no crawl '{crawlId}'.");
        }

        var report = await new EvidenceVerifier(store).VerifyAsync(crawlId, null, ct);
        foreach (var problem in report.Problems)
        {
            Console.WriteLine($"MISMATCH capture {problem.CaptureId} {problem.Url} [{problem.Artifact}]: {problem.Problem}");
        }

        var summary = $"{report.CapturesChecked} captures, {report.ArtifactsChecked} artifacts checked, {report.Problems.Count} problems";
        await store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "verify-evidence", $"crawl:{crawlId}", summary, DateTimeOffset.UtcNow), ct);
        Console.WriteLine($"Crawl {crawlId}: {summary}.");
        return report.IsIntact ? ExitCodes.Ok : ExitCodes.EvidenceMismatch;
    }
}
