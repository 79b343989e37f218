using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WildlifeWatch.Cli.Commands;

/// <summary>One queue as the broker reports it; <see cref="Messages"/> is null when the queue does not exist.</summary>
internal sealed record QueueSample(string Name, long? Messages, long? Consumers, double? PublishRate = null, double? DeliverRate = null);

/// <summary>A line of <c>pipeline status</c>: a pipeline queue with its rates and the size of its error queue.</summary>
internal sealed record QueueStatusRow(string Queue, string Stage, long? Messages, long? Consumers, double? InRate, double? OutRate, double? Change, long? Errors);

/// <summary>Turns samples of the broker's queues into the status table; rates of change come from two samples.</summary>
internal static class QueueStatusTable
{
    public const string ErrorSuffix = "_error";

    /// <summary>The queues <c>pipeline status</c> reads: each pipeline queue and its error queue.</summary>
    public static IReadOnlyList<string> QueuesToRead(IReadOnlyList<string> queues) =>
        queues.SelectMany(q => new[] { q, q + ErrorSuffix }).ToList();

    public static IReadOnlyList<QueueStatusRow> Build(
        IReadOnlyList<string> queues,
        IReadOnlyDictionary<string, QueueSample> now,
        IReadOnlyDictionary<string, QueueSample>? before,
        TimeSpan elapsed)
    {
        var rows = new List<QueueStatusRow>(queues.Count);
        foreach (var queue in queues)
        {
            now.TryGetValue(queue, out var sample);
            now.TryGetValue(queue + ErrorSuffix, out var errors);
            double? change = null;
            if (before is not null && before.TryGetValue(queue, out var earlier) && earlier.Messages is { } then && sample?.Messages is { } current && elapsed > TimeSpan.Zero)
            {
                change = (current - then) / elapsed.TotalSeconds;
            }

            rows.Add(new QueueStatusRow(queue, StageOf(queue), sample?.Messages, sample?.Consumers, sample?.PublishRate, sample?.DeliverRate, change, errors?.Messages));
        }

        return rows;
    }

    /// <summary><c>wtw.fetcher.fetch-requested</c> belongs to the fetcher.</summary>
    public static string StageOf(string queue)
    {
        var parts = queue.Split('.');
        return parts.Length >= 3 ? parts[1] : "-";
    }

    public static string Render(IReadOnlyList<QueueStatusRow> rows)
    {
        string[] header = ["QUEUE", "STAGE", "MESSAGES", "CONSUMERS", "IN/S", "OUT/S", "CHANGE/S", "ERRORS"];
        var cells = rows.Select(r => new[]
        {
            r.Queue,
            r.Stage,
            r.Messages?.ToString(CultureInfo.InvariantCulture) ?? "missing",
            Count(r.Consumers),
            Rate(r.InRate),
            Rate(r.OutRate),
            r.Change is { } c ? c.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) : "-",
            Count(r.Errors),
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();

        var text = new StringBuilder();
        foreach (var line in cells)
        {
            text.AppendLine(string.Join("  ", line.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        var backlog = rows.Sum(r => r.Messages ?? 0);
        var failed = rows.Sum(r => r.Errors ?? 0);
        text.Append(CultureInfo.InvariantCulture, $"backlog {backlog} message(s); {failed} in error queues");
        if (failed > 0)
        {
            text.Append(" (pipeline errors lists them; --requeue moves them back)");
        }

        return text.AppendLine().ToString();
    }

    /// <summary>Reads the management API's <c>/api/queues</c> answer: depth, consumers and the broker's own rates.</summary>
    public static IReadOnlyDictionary<string, QueueSample> ParseManagementQueues(string json)
    {
        using var document = JsonDocument.Parse(json);
        var samples = new Dictionary<string, QueueSample>(StringComparer.Ordinal);
        foreach (var queue in document.RootElement.EnumerateArray())
        {
            var name = queue.GetProperty("name").GetString() ?? string.Empty;
            double? Rate(string stat) =>
                queue.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty(stat, out var details) && details.TryGetProperty("rate", out var rate)
                    ? rate.GetDouble()
                    : null;

            samples[name] = new QueueSample(
                name,
                queue.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0,
                queue.TryGetProperty("consumers", out var consumers) && consumers.ValueKind == JsonValueKind.Number ? consumers.GetInt64() : 0,
                Rate("publish_details"),
                Rate("deliver_get_details"));
        }

        return samples;
    }

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Rate(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>Reads the depth and consumers of named queues from a broker.</summary>
internal interface IQueueReader
{
    Task<IReadOnlyDictionary<string, QueueSample>> ReadAsync(IReadOnlyList<string> queues, CancellationToken ct);
}

