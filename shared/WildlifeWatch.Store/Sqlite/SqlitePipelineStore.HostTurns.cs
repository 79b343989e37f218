using Microsoft.Data.Sqlite;

namespace WildlifeWatch.Store.Sqlite;

public sealed partial class SqlitePipelineStore
{
    public Task<HostTurnOffer> TryTakeHostTurnAsync(string host, string holder, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return WriteAsync(async (c, tx) =>
        {
            // Times are fixed-width UTC strings, so text comparison is time order.
            var taken = await ExecuteAsync(c, tx, """
                INSERT INTO host_slots(host, holder, lease_until, next_at) VALUES ($host, $holder, $lease, $now)
                ON CONFLICT(host) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
                WHERE (host_slots.holder IS NULL OR host_slots.lease_until <= $now) AND host_slots.next_at <= $now;
                """, ct, ("$host", host), ("$holder", holder), ("$lease", Time(now + lease)), ("$now", Time(now)));
            if (taken == 1)
            {
                return new HostTurnOffer(true, now, false);
            }

            await using var command = Command(c, tx, "SELECT holder, lease_until, next_at FROM host_slots WHERE host = $host;", [("$host", host)]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var held = !reader.IsDBNull(0) && string.CompareOrdinal(reader.GetString(1), Time(now)) > 0;
            return new HostTurnOffer(false, ParseTime(reader.GetString(2)), held);
        }, ct);
    }

    public Task EndHostTurnAsync(string host, string holder, DateTimeOffset nextAllowedAt, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            "UPDATE host_slots SET holder = NULL, lease_until = NULL, next_at = $next WHERE host = $host AND holder = $holder;", ct,
            ("$host", host), ("$holder", holder), ("$next", Time(nextAllowedAt))), ct);
}
