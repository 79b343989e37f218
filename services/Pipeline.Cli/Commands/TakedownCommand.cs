using System.Globalization;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline takedown --platform P</c>: the takedown report of one platform (alerted listings with their evidence
/// hashes and live/removed status) as CSV or JSON, to a file or stdout. Audited: the report names listings.
/// </summary>
internal static class TakedownCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "platform", "format", "out", "since" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var platform = line.String("platform") ?? throw new UsageException("takedown needs --platform HOST (with :port when not the default).");
        var format = (line.String("format") ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "json"))
        {
            throw new UsageException($"--format must be csv or json, not '{format}'.");
        }

        var since = line.String("since") is { } text ? ParseDate(text) : (DateTimeOffset?)null;
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var rows = await new TakedownReport(access.Store).BuildAsync(platform, since, ct);
        var body = format == "csv" ? TakedownReport.ToCsv(rows) : TakedownReport.ToJson(rows);
        var output = line.String("out");
        if (output is null)
        {
            await Console.Out.WriteAsync(body);
        }
        else
        {
            await File.WriteAllTextAsync(output, body, ct);
            Console.WriteLine($"{rows.Count} listing(s) of {platform} ({rows.Count(r => r.Status == TakedownRow.Removed)} removed) written to {output}");
        }

        await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "report-takedown", $"platform:{platform}",
            string.Create(CultureInfo.InvariantCulture, $"{rows.Count} listings, {format}{(since is { } s ? $", since {s:yyyy-MM-dd}" : string.Empty)}"), DateTimeOffset.UtcNow), ct);
        return ExitCodes.Ok;
    }

    /// <summary>A UTC date (<c>2026-11-01</c>) or a time with an offset; anything else is a usage error.</summary>
    public static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new UsageException($"'{text}' is not a date (expected e.g. 2026-11-01 or 2026-11-01T08:00:00Z).");
}
