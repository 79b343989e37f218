using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// Certificates the capture proxy shows the browser for HTTPS hosts, made on first use and kept for the process.
/// The browser's contexts ignore certificate errors because its only peer is this proxy; the real server's
/// certificate is checked by the <see cref="GuardedHttpClient"/>, which makes the actual connection.
/// </summary>
internal static class ProxyCertificates
{
    private const int MaxKept = 1_000;
    private static readonly ConcurrentDictionary<string, Lazy<X509Certificate2>> Issued = new(StringComparer.OrdinalIgnoreCase);

    public static X509Certificate2 For(string host)
    {
        if (Issued.Count >= MaxKept)
        {
            // A crawl of many hosts must not grow this without end; making one again costs about a millisecond.
            Issued.Clear();
        }

        return Issued.GetOrAdd(host, h => new Lazy<X509Certificate2>(() => Create(h))).Value;
    }

    private static X509Certificate2 Create(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(host.Length <= 64 ? host : "capture-proxy")}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }
}
