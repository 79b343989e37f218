using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline verify</c>: re-hash a crawl's stored evidence and report every mismatch.</summary>
internal static class VerifyCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "crawl-id" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var path = line.String("db") ?? Environment.GetEnvironmentVariable("Store__SqlitePath") ?? new StoreOptions().SqlitePath;
        if (!File.Exists(path))
        {
            throw new UsageException($"No store at '{path}'; pass --db PATH.");
        }

        using var store = new SqlitePipelineStore(path);
        await store.InitializeAsync(ct);
        var crawls = await store.GetCrawlsAsync(ct);
        var crawlId = line.String("crawl-id") ?? (crawls.Count > 0 ? crawls[0].Id : throw new UsageException($"The store at '{path}' holds no crawl."));
        if (await store.GetCrawlAsync(crawlId, ct) is null)
        {
            throw new UsageException($"The store at '{path}' has no crawl '{crawlId}'.");
        }

        var report = await new EvidenceVerifier(store).VerifyAsync(crawlId, null, ct);
        foreach (var problem in report.Problems)
        {
            Console.WriteLine($"MISMATCH capture {problem.CaptureId} {problem.Url} [{problem.Artifact}]: {problem.Problem}");
        }

        Console.WriteLine($"Crawl {crawlId}: {report.CapturesChecked} captures, {report.ArtifactsChecked} artifacts checked, {report.Problems.Count} problems.");
        return report.IsIntact ? ExitCodes.Ok : ExitCodes.EvidenceMismatch;
    }
}
