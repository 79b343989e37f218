using System.Globalization;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline removals</c>: time-to-removal of watched listings per platform (first seen, first alert, removal time and
/// reason), so that takedown requests can be followed up. The report is audited (it names listings).
/// </summary>
internal static class RemovalsCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "platform", "removed-only" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var platform = line.String("platform");
        var watched = await access.Store.GetWatchedListingsAsync(platform, line.Flag("removed-only"), ct);
        Print(watched, Console.Out);
        await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "report-removals", platform is null ? "platform:*" : $"platform:{platform}",
            $"{watched.Count} listings", DateTimeOffset.UtcNow), ct);
        return ExitCodes.Ok;
    }

    /// <summary>One line per listing, then per platform: watched, removed, median and longest time to removal.</summary>
    public static void Print(IReadOnlyList<WatchedListing> watched, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(watched);
        ArgumentNullException.ThrowIfNull(output);
        if (watched.Count == 0)
        {
            output.WriteLine("No watched listings.");
            return;
        }

        output.WriteLine($"{"PLATFORM",-24} {"FIRST SEEN",-17} {"ALERTED",-17} {"REMOVED",-17} {"TO REMOVAL",-11} URL  (REASON)");
        foreach (var w in watched)
        {
            output.WriteLine($"{w.Platform,-24} {Time(w.FirstSeenAt),-17} {Time(w.AlertedAt),-17} {Time(w.RemovedAt),-17} {Span(w.TimeToRemoval),-11} {w.NormalizedUrl}{(w.RemovalReason is null ? string.Empty : $"  ({w.RemovalReason})")}");
        }

        output.WriteLine();
        output.WriteLine($"{"PLATFORM",-24} {"WATCHED",7} {"REMOVED",7} {"MEDIAN",11} {"LONGEST",11} {"STILL UP",8}");
        foreach (var group in watched.GroupBy(w => w.Platform, StringComparer.Ordinal))
        {
            var times = group.Select(w => w.TimeToRemoval).OfType<TimeSpan>().Order().ToList();
            var median = times.Count == 0 ? (TimeSpan?)null : times[times.Count / 2];
            output.WriteLine($"{group.Key,-24} {group.Count(),7} {times.Count,7} {Span(median),11} {Span(times.Count == 0 ? null : times[^1]),11} {group.Count() - times.Count,8}");
        }
    }

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    private static string Span(TimeSpan? span) => span switch
    {
        null => "-",
        { TotalDays: >= 1 } s => $"{s.TotalDays:F1} d",
        { TotalHours: >= 1 } s => $"{s.TotalHours:F1} h",
        { } s => $"{s.TotalMinutes:F0} min",
    };
}
