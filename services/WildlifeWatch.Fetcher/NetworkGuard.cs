using System.Net;
using System.Net.Sockets;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// The SSRF guard: a crawler fed URLs by strangers must not be turned against the machine it runs on, its
/// network or its cloud's metadata service. Every address a connection is about to use is checked here, after
/// DNS resolution, so a public name that resolves to a private address is refused as well.
/// </summary>
public sealed class NetworkGuard
{
    // Special-purpose ranges (IANA registries for IPv4 and IPv6) that never belong to a public web site.
    private static readonly (IPNetwork Network, string Name)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "this-network"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "unique-local (private)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public NetworkGuard(IEnumerable<IPNetwork> allowedPrivateNetworks) => _allowed = allowedPrivateNetworks.ToList();

    public static NetworkGuard FromOptions(FetcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new NetworkGuard(ParseNetworks(options.AllowedPrivateNetworks));
    }

    /// <summary>Reads a comma- or space-separated CIDR list; a bare address is its own /32 or /128.</summary>
    public static IReadOnlyList<IPNetwork> ParseNetworks(string? list)
    {
        var result = new List<IPNetwork>();
        foreach (var item in (list ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                result.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                result.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"'{item}' is not a CIDR network (e.g. 127.0.0.0/8 or fd00::/8)");
            }
        }

        return result;
    }

    /// <summary>Null when the address may be connected to, else why not.</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var candidates = Canonical(address);
        if (candidates.Any(a => _allowed.Any(n => n.Contains(a))))
        {
            return null;
        }

        foreach (var a in candidates)
        {
            foreach (var (network, name) in Refused)
            {
                if (network.Contains(a))
                {
                    return $"{address} is a {name} address ({network})";
                }
            }
        }

        return null;
    }

    /// <summary>Resolves the URL's host and refuses it when any address it resolves to is refused.</summary>
    public async Task CheckAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        foreach (var address in await ResolveAsync(url.IdnHost, ct))
        {
            if (Refusal(address) is { } reason)
            {
                throw new AddressRefusedException(url.IdnHost, reason);
            }
        }
    }

    /// <summary>The addresses of a host a connection may use; throws when every one is refused.</summary>
    public async Task<IReadOnlyList<IPAddress>> AllowedAddressesAsync(string host, CancellationToken ct)
    {
        var addresses = await ResolveAsync(host, ct);
        var allowed = addresses.Where(a => Refusal(a) is null).ToList();
        if (allowed.Count == 0)
        {
            throw new AddressRefusedException(host, addresses.Count == 0 ? "no address" : Refusal(addresses[0])!);
        }

        return allowed;
    }

    private static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        if (IPAddress.TryParse(bare, out var literal))
        {
            return [literal];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(bare, ct);
        }
        catch (SocketException e)
        {
            throw new PermanentFetchException($"DNS lookup of {bare} failed ({e.SocketErrorCode})", e);
        }
    }

    // An IPv4 address hidden in an IPv6 one (mapped, compatible, NAT64, 6to4) is judged as the IPv4 address too.
    private static IPAddress[] Canonical(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [address];
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return [address, address.MapToIPv4()];
        }

        var bytes = address.GetAddressBytes();
        var embedded = bytes switch
        {
            // 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible, deprecated): the last four bytes.
            _ when bytes.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 }) => new IPAddress(bytes.AsSpan(12, 4)),
            _ when bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any) => new IPAddress(bytes.AsSpan(12, 4)),
            // 2002::/16 (6to4): bytes 2..5.
            _ when bytes[0] == 0x20 && bytes[1] == 0x02 => new IPAddress(bytes.AsSpan(2, 4)),
            _ => null,
        };
        return embedded is null ? [address] : [address, embedded];
    }
}
