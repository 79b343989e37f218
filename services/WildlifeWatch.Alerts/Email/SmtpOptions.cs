using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Mail;

namespace WildlifeWatch.Alerts.Email;

/// <summary>How the SMTP connection is secured (MailKit's choices).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text; only for a relay on this machine or the loopback network.</summary>
    None,
    StartTls,
    SslOnConnect,

    /// <summary>TLS on port 465, STARTTLS when the server offers it elsewhere.</summary>
    Auto,
}

/// <summary>
/// E-mail of alerts and digests (section <c>Alerts:Smtp</c>, environment <c>Alerts__Smtp__Host</c>, ...); off while
/// <see cref="Host"/> is empty. The password comes from the environment (<c>Alerts__Smtp__Password</c>), never a file in the repository.
/// </summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Alerts:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>Wildlife Trade Watch &lt;alerts@example.org&gt;</c>.</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>Recipients per subscription name, comma-separated (<c>Alerts__Smtp__Recipients__ivory-high=a@x.org,b@y.org</c>).</summary>
    public IDictionary<string, string> Recipients { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>E-mail each alert (and each update) to the recipients of the subscriptions it matches, besides the digest.</summary>
    public bool SendAlerts { get; set; } = true;

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 4;

    [Range(0, 600_000)]
    public int RetryBaseDelayMs { get; set; } = 2_000;

    [Range(100, 300_000)]
    public int TimeoutMs { get; set; } = 30_000;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The addresses of a subscription's recipients (empty when none are configured).</summary>
    public IReadOnlyList<string> RecipientsOf(string subscription) =>
        Recipients.TryGetValue(subscription, out var list)
            ? list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEnabled)
        {
            yield break;
        }

        if (!MailAddress.TryCreate(From, out _))
        {
            yield return new ValidationResult($"Alerts:Smtp:From must be an e-mail address, not '{From}'.", [nameof(From)]);
        }

        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Alerts:Smtp:User and Alerts:Smtp:Password are set together (the password from the environment).", [nameof(User), nameof(Password)]);
        }

        if (!string.IsNullOrEmpty(User) && Security == SmtpSecurity.None && !IsLoopback(Host!))
        {
            yield return new ValidationResult("Alerts:Smtp:Security None would send the password in clear text to a remote host; use StartTls or SslOnConnect.", [nameof(Security)]);
        }

        foreach (var (name, _) in Recipients)
        {
            var bad = RecipientsOf(name).Where(a => !MailAddress.TryCreate(a, out _)).ToList();
            if (bad.Count > 0 || RecipientsOf(name).Count == 0)
            {
                yield return new ValidationResult($"Alerts:Smtp:Recipients:{name} must list e-mail addresses; not: '{string.Join(", ", bad)}'.", [nameof(Recipients)]);
            }
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
