using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline purge</c>: apply the raw-capture retention now (the scheduler does it on a timer when
/// Store:RawCaptureRetentionDays is set). Alerted evidence is never purged.
/// </summary>
internal static class PurgeCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "older-than-days" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var days = line.Int("older-than-days", 1, 36_500) ?? throw new UsageException("purge needs --older-than-days N (1 or more).");
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var sweeper = new RetentionSweeper(access.Store, Microsoft.Extensions.Options.Options.Create(new StoreOptions { RawCaptureRetentionDays = days }),
            TimeProvider.System, NullLogger<RetentionSweeper>.Instance);
        var result = await sweeper.SweepOnceAsync(ct);
        Console.WriteLine($"Purged the raw artifacts of {result!.CapturesPurged} non-alerted captures older than {days} days ({result.ArtifactsDeleted} artifacts deleted) in {access.Description}.");
        return ExitCodes.Ok;
    }
}
