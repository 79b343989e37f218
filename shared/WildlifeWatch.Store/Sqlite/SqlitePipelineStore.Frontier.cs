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

    public async Task<Capture?> GetLatestCaptureAsync(string crawlId, string normalizedUrl, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await QueryAsync(c, CaptureSelect + " WHERE crawl_id = $crawl AND normalized_url = $url ORDER BY captured_at DESC, id DESC LIMIT 1;",
            ReadCapture, ct, ("$crawl", crawlId), ("$url", normalizedUrl));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task RecordListingSeenAsync(string normalizedUrl, string seedId, string crawlId, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, """
            INSERT INTO watched_listings(normalized_url, platform, seed_id, first_crawl_id, first_seen_at, last_seen_at)
            VALUES ($url, $platform, $seed, $crawl, $at, $at)
            ON CONFLICT(normalized_url) DO UPDATE SET
                last_seen_at = max(last_seen_at, excluded.last_seen_at),
                first_seen_at = min(first_seen_at, excluded.first_seen_at),
                removal_reason = CASE WHEN removed_at < excluded.last_seen_at THEN NULL ELSE removal_reason END,
                removed_at = CASE WHEN removed_at < excluded.last_seen_at THEN NULL ELSE removed_at END;
            """, ct, ("$url", normalizedUrl), ("$platform", ListingFacts.Platform(normalizedUrl)), ("$seed", seedId), ("$crawl", crawlId), ("$at", Time(at))), ct);

    public Task<bool> MarkListingRemovedAsync(string normalizedUrl, DateTimeOffset at, string reason, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            "UPDATE watched_listings SET removed_at = $at, removal_reason = $reason WHERE normalized_url = $url AND removed_at IS NULL;", ct,
            ("$url", normalizedUrl), ("$at", Time(at)), ("$reason", reason)) == 1, ct);

    public async Task<IReadOnlyList<WatchedListing>> GetWatchedListingsAsync(string? platform = null, bool removedOnly = false, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await QueryAsync(c, """
            SELECT w.normalized_url, w.platform, w.seed_id, w.first_crawl_id, w.first_seen_at, w.last_seen_at, w.removed_at, w.removal_reason,
                   (SELECT MIN(a.raised_at) FROM captures k JOIN listings l ON l.capture_id = k.id JOIN alerts a ON a.listing_id = l.id
                    WHERE k.normalized_url = w.normalized_url)
            FROM watched_listings w
            WHERE ($platform IS NULL OR w.platform = $platform) AND ($removed = 0 OR w.removed_at IS NOT NULL)
            ORDER BY w.platform, w.first_seen_at, w.normalized_url;
            """,
            r => new WatchedListing(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)), ParseTime(r.GetString(5)),
                r.IsDBNull(6) ? null : ParseTime(r.GetString(6)), r.IsDBNull(7) ? null : r.GetString(7))
            {
                AlertedAt = r.IsDBNull(8) ? null : ParseTime(r.GetString(8)),
            }, ct, ("$platform", platform), ("$removed", removedOnly ? 1 : 0));
    }
}
