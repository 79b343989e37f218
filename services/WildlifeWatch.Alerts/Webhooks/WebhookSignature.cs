using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WildlifeWatch.Alerts.Webhooks;

/// <summary>
/// The signature a webhook receiver checks: <c>X-WTW-Signature: v1=&lt;hex HMAC-SHA256(secret, "&lt;timestamp&gt;.&lt;body&gt;")&gt;</c>
/// with <c>X-WTW-Timestamp</c> in Unix seconds. Signing the timestamp with the body lets a receiver refuse replays
/// of an old delivery.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-WTW-Signature";
    public const string TimestampHeader = "X-WTW-Timestamp";
    public const string DeliveryHeader = "X-WTW-Delivery";

    /// <summary>What the body is: <c>alert.raised</c> (an AlertRaised) or <c>alert.updated</c> (an AlertUpdated).</summary>
    public const string EventHeader = "X-WTW-Event";
    private const string Version = "v1=";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Version + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>True when the signature is the secret's over this timestamp and body and the timestamp is within the tolerance of now.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || signatureHeader is null)
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}
