using Microsoft.Data.Sqlite;

namespace WildlifeWatch.Store.Sqlite;

public sealed partial class SqlitePipelineStore
{
    public Task<IReadOnlyList<FrontierEntry>> ReleaseAsync(string crawlId, int maxInFlight, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        return WriteAsync(async (c, tx) =>
        {
            // Counting and releasing in one write transaction: replicas sharing the file cannot both fill the same slots.
            var inFlight = Convert.ToInt32(await ScalarAsync(c, tx,
                "SELECT COUNT(*) FROM frontier WHERE crawl_id = $crawl AND state = 0 AND released_at IS NOT NULL;", ct, ("$crawl", crawlId)),
                System.Globalization.CultureInfo.InvariantCulture);
            var free = maxInFlight - inFlight;
            if (free <= 0)
            {
                return (IReadOnlyList<FrontierEntry>)[];
            }

            var released = new List<FrontierEntry>();
            await using (var command = Command(c, tx, FrontierSelect + """
                 WHERE crawl_id = $crawl AND state = 0 AND released_at IS NULL
                 ORDER BY priority DESC, enqueued_at, normalized_url LIMIT $free;
                """, [("$crawl", crawlId), ("$free", free)]))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    released.Add(ReadFrontier(reader) with { ReleasedAt = now });
                }
            }

            await using var mark = new Statement(c, tx,
                "UPDATE frontier SET released_at = $at WHERE crawl_id = $crawl AND normalized_url = $url;", "$at", "$crawl", "$url");
            foreach (var entry in released)
            {
                await mark.ExecuteAsync(ct, Time(now), crawlId, entry.NormalizedUrl);
            }

            return released;
        }, ct);
    }

    public async Task<string?> FindEarlierSameContentAsync(string crawlId, string normalizedUrl, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await ScalarAsync(c, null, """
            WITH mine AS (SELECT id, text_sha256, captured_at FROM captures
                          WHERE crawl_id = $crawl AND normalized_url = $url ORDER BY captured_at DESC, id DESC LIMIT 1)
            SELECT o.normalized_url FROM captures o, mine
            WHERE o.text_sha256 = mine.text_sha256 AND o.crawl_id = $crawl AND o.normalized_url <> $url
              AND (o.captured_at < mine.captured_at OR (o.captured_at = mine.captured_at AND o.id < mine.id))
            ORDER BY o.captured_at, o.id LIMIT 1;
            """, ct, ("$crawl", crawlId), ("$url", normalizedUrl)) as string;
    }
}
