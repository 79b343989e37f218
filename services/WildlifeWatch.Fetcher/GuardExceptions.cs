namespace WildlifeWatch.Fetcher;

/// <summary>The SSRF guard refused a host: it resolves to an address of a network that was not allowed.</summary>
public sealed class AddressRefusedException(string host, string reason)
    : PermanentFetchException($"refused {host}: {reason}; allow the network in Fetcher:AllowedPrivateNetworks if it is meant to be crawled")
{
    public string Host { get; } = host;
}

/// <summary>A page that tries to exhaust the fetcher (too big, too many redirects, a decompression bomb, binary as HTML, a script that never yields).</summary>
public sealed class HostilePageException(string message) : PermanentFetchException(message);

/// <summary>The host's circuit breaker is open: its fetches fail fast until the break is over.</summary>
public sealed class HostPausedException(string host, TimeSpan? retryAfter, Exception? inner)
    : PermanentFetchException(
        $"host {host} paused after repeated transient failures" + (retryAfter is { } r ? $"; retried after {r.TotalSeconds:0.#} s" : string.Empty),
        inner)
{
    public string Host { get; } = host;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
