using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline export</c>: an evidence package (ZIP) of listings; <c>pipeline verify-package</c> checks one.</summary>
internal static class ExportCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "listing", "alerted", "crawl-id", "output", "case", "force" };

    public static readonly IReadOnlySet<string> VerifyOptions = new HashSet<string>(StringComparer.Ordinal) { "package", "expect-sha256" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var output = line.String("output") ?? throw new UsageException("'export' needs --output FILE.zip.");
        if (File.Exists(output) && !line.Flag("force"))
        {
            throw new UsageException($"'{output}' exists; pass --force to replace it.");
        }

        await using var access = await StoreAccess.OpenAsync(line, ct);
        var ids = await ListingsAsync(line, access, ct);

        // Written beside the target and moved into place: a failed export never leaves half a package behind.
        var partial = output + ".partial";
        try
        {
            PackageExport export;
            await using (var file = File.Create(partial))
            {
                export = await new EvidencePackage(access.Store).ExportAsync(ids, file, StoreAccess.Actor, line.String("case"), ct);
            }

            File.Move(partial, output, overwrite: true);
            Console.WriteLine($"Wrote {output}: {export.Listings} listings, {export.Captures} captures, {export.Files} files.");
            Console.WriteLine($"Manifest SHA-256 {export.ManifestSha256} (recorded in the audit log; hand it over with the package).");
            return ExitCodes.Ok;
        }
        catch (KeyNotFoundException e)
        {
            throw new UsageException(e.Message.Trim('\''));
        }
        catch (EvidenceIntegrityException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: not exported: {e.Message}");
            return ExitCodes.EvidenceMismatch;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public static int Verify(CommandLine line)
    {
        var path = line.String("package") ?? throw new UsageException("'verify-package' needs --package FILE.zip.");
        if (!File.Exists(path))
        {
            throw new UsageException($"No file '{path}'.");
        }

        PackageCheck check;
        try
        {
            using var file = File.OpenRead(path);
            check = EvidencePackage.Verify(file);
        }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"NOT A ZIP {path}: {e.Message}");
            return ExitCodes.EvidenceMismatch;
        }

        foreach (var problem in check.Problems)
        {
            Console.WriteLine($"MISMATCH {problem.Path}: {problem.Problem}");
        }

        var expected = line.String("expect-sha256");
        var manifestMatches = expected is null || string.Equals(expected, check.ManifestSha256, StringComparison.OrdinalIgnoreCase);
        if (!manifestMatches)
        {
            Console.WriteLine($"MISMATCH manifest.json: sha256 {check.ManifestSha256}, expected {expected}");
        }

        Console.WriteLine($"{path}: {check.FilesChecked} files checked, {check.Problems.Count + (manifestMatches ? 0 : 1)} problems; manifest SHA-256 {check.ManifestSha256}.");
        return check.IsIntact && manifestMatches ? ExitCodes.Ok : ExitCodes.EvidenceMismatch;
    }

    private static async Task<IReadOnlyList<string>> ListingsAsync(CommandLine line, StoreAccess access, CancellationToken ct)
    {
        var named = (line.String("listing") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!line.Flag("alerted"))
        {
            return named.Length > 0 ? named : throw new UsageException("'export' needs --listing ID[,ID...] or --alerted [--crawl-id ID].");
        }

        var crawls = await access.Store.GetCrawlsAsync(ct);
        var crawlId = line.String("crawl-id") ?? (crawls.Count > 0 ? crawls[0].Id : throw new UsageException($"The store ({access.Description}) holds no crawl."));
        var alerted = (await access.Store.GetAlertsAsync(crawlId, ct)).Select(a => a.ListingId);
        var all = named.Concat(alerted).Distinct(StringComparer.Ordinal).ToList();
        return all.Count > 0 ? all : throw new UsageException($"Crawl '{crawlId}' has no alerted listing to export.");
    }
}
