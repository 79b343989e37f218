using System.Net;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The SSRF guard's table: which addresses a crawl may reach, with and without allowed networks.</summary>
public sealed class NetworkGuardTests
{
    [TestCase("127.0.0.1", "loopback")]
    [TestCase("127.255.0.9", "loopback")]
    [TestCase("10.1.2.3", "private")]
    [TestCase("172.16.0.1", "private")]
    [TestCase("172.31.255.254", "private")]
    [TestCase("192.168.1.1", "private")]
    [TestCase("169.254.169.254", "link-local")]
    [TestCase("100.64.0.1", "carrier-grade NAT")]
    [TestCase("100.100.100.200", "carrier-grade NAT")]
    [TestCase("0.0.0.0", "this-network")]
    [TestCase("224.0.0.251", "multicast")]
    [TestCase("255.255.255.255", "reserved")]
    [TestCase("::1", "loopback")]
    [TestCase("::", "unspecified")]
    [TestCase("fe80::1", "link-local")]
    [TestCase("fd00:ec2::254", "unique-local")]
    [TestCase("fc00::5", "unique-local")]
    [TestCase("ff02::1", "multicast")]
    [TestCase("::ffff:127.0.0.1", "loopback")]
    [TestCase("::ffff:169.254.169.254", "link-local")]
    [TestCase("::ffff:10.0.0.1", "private")]
    [TestCase("64:ff9b::a00:1", "private")]
    [TestCase("2002:c0a8:0101::1", "private")]
    public void Special_purpose_addresses_are_refused(string address, string kind) =>
        Assert.That(new NetworkGuard([]).Refusal(IPAddress.Parse(address)), Does.Contain(kind));

    [TestCase("93.184.215.14")]
    [TestCase("8.8.8.8")]
    [TestCase("172.32.0.1")]
    [TestCase("100.128.0.1")]
    [TestCase("2606:4700::6810:85e5")]
    [TestCase("::ffff:93.184.215.14")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.That(new NetworkGuard([]).Refusal(IPAddress.Parse(address)), Is.Null);

    [TestCase("127.0.0.0/8", "127.0.0.1", true)]
    [TestCase("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [TestCase("127.0.0.0/8", "10.0.0.1", false)]
    [TestCase("127.0.0.0/8", "::1", false)]
    [TestCase("10.20.0.0/16, ::1", "::1", true)]
    [TestCase("10.20.0.0/16, ::1", "10.20.3.4", true)]
    [TestCase("10.20.0.0/16, ::1", "10.21.3.4", false)]
    public void Allowed_networks_open_only_themselves(string allowed, string address, bool open) =>
        Assert.That(new NetworkGuard(NetworkGuard.ParseNetworks(allowed)).Refusal(IPAddress.Parse(address)) is null, Is.EqualTo(open));

    [TestCase("127.0.0.0/33")]
    [TestCase("localhost")]
    [TestCase("10.0.0.0/8,nonsense")]
    public void A_malformed_allowed_network_is_rejected(string list) =>
        Assert.That(() => NetworkGuard.ParseNetworks(list), Throws.TypeOf<FormatException>().With.Message.Contains("CIDR"));

    [TestCase("http://127.0.0.1:9/")]
    [TestCase("http://[::1]:9/")]
    [TestCase("http://169.254.169.254/latest/meta-data/")]
    [TestCase("http://localhost:9/")]
    public void The_http_client_refuses_before_connecting(string url)
    {
        using var client = new GuardedHttpClient(Options.Create(new FetcherOptions()));

        Assert.That(async () => await client.SendAsync(new Uri(url)),
            Throws.TypeOf<AddressRefusedException>().With.Message.Contains("Fetcher:AllowedPrivateNetworks"));
    }

    [Test]
    public void The_guard_checks_every_address_a_name_resolves_to()
    {
        var guard = new NetworkGuard([]);

        Assert.That(async () => await guard.CheckAsync(new Uri("http://localhost/"), CancellationToken.None),
            Throws.TypeOf<AddressRefusedException>().With.Message.Contains("loopback"));
    }
}
