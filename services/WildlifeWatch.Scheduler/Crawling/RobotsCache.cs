using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>Fetches and caches each origin's robots.txt. Per RFC 9309 a missing file allows everything and an unreachable one disallows.</summary>
public sealed class RobotsCache(HttpClient http, IOptions<SchedulerOptions> options, ILogger<RobotsCache> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly ConcurrentDictionary<string, (Task<RobotsRules> Rules, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<RobotsRules> GetAsync(Uri url, CancellationToken ct)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var now = _time.GetUtcNow();
        var entry = _cache.AddOrUpdate(origin,
            o => (FetchAsync(o, ct), now + options.Value.RobotsCacheTtl),
            (o, existing) => existing.Expires > now ? existing : (FetchAsync(o, ct), now + options.Value.RobotsCacheTtl));
        return await entry.Rules;
    }

    private async Task<RobotsRules> FetchAsync(string origin, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await http.GetAsync(new Uri(new Uri(origin), "/robots.txt"), timeout.Token);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone || (int)response.StatusCode is >= 400 and < 500)
            {
                return RobotsRules.AllowAll;
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("robots.txt of {Origin} answered {Status}; treating the site as disallowed for now", origin, (int)response.StatusCode);
                return RobotsRules.DisallowAll;
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return RobotsRules.Parse(body.Length > 512_000 ? body[..512_000] : body, options.Value.RobotsUserAgentToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(e, "robots.txt of {Origin} could not be fetched; treating the site as disallowed for now", origin);
            return RobotsRules.DisallowAll;
        }
    }
}
