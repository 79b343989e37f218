using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Portal;

/// <summary>
/// Settings of the investigators' portal (section <c>Portal</c>; environment <c>Portal__Port</c>,
/// <c>Portal__Users__0__Name</c>, <c>Portal__ApiKeys__0__KeyHash</c>, ...).
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    [Range(0, 65535)]
    public int Port { get; set; } = 5080;

    /// <summary>127.0.0.1 unless a reverse proxy on another machine must reach it.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The bootstrap administrator's name.</summary>
    [Required]
    public string AdminName { get; set; } = "admin";

    /// <summary>The bootstrap administrator's password, in clear (a secret from the environment); required.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Further users, each with a PBKDF2 hash (<c>pipeline portal-hash-password</c>) and one role.</summary>
    public List<PortalUserOptions> Users { get; set; } = [];

    /// <summary>Machine clients of the screening API, one key per platform partner, stored as SHA-256.</summary>
    public List<PortalApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Screening requests each partner may make per minute; the excess is answered 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int ScreeningPermitsPerMinute { get; set; } = 120;

    /// <summary>Rows per page of the lists.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// A directory for the keys that sign cookies and antiforgery tokens; replicas behind one address must share it, and
    /// it must outlive a restart or every sign-in ends with it. Unset: ASP.NET Core's per-user default.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>How long a sign-in lasts without activity.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
}

public sealed class PortalUserOptions
{
    public string Name { get; set; } = "";

    /// <summary>An ASP.NET Core Identity v3 hash (PBKDF2-HMAC-SHA512, salted, 100,000 iterations).</summary>
    public string PasswordHash { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>The platform (host[:port], as listings and alerts name it) a platform partner is bound to.</summary>
    public string? Platform { get; set; }
}

public sealed class PortalApiKeyOptions
{
    /// <summary>The partner's name, which the rate limit and the audit log use.</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key (the key itself is never stored): <c>pipeline portal-api-key</c>.</summary>
    public string KeyHash { get; set; } = "";

    public string Platform { get; set; } = "";

    /// <summary>This partner's screening requests per minute; unset: <see cref="PortalOptions.ScreeningPermitsPerMinute"/>.</summary>
    [Range(1, 1_000_000)]
    public int? PermitsPerMinute { get; set; }
}

internal sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AdminPassword))
        {
            failures.Add("Portal:AdminPassword is required (the bootstrap administrator's password).");
        }
        else if (options.AdminPassword.Length < 12)
        {
            failures.Add("Portal:AdminPassword must be at least 12 characters.");
        }

        if (options.SessionIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Portal:SessionIdleTimeout must be positive.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { options.AdminName };
        for (var i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            if (string.IsNullOrWhiteSpace(user.Name) || !names.Add(user.Name))
            {
                failures.Add($"Portal:Users:{i}:Name is missing or not unique.");
            }

            if (!PortalPasswords.IsHash(user.PasswordHash))
            {
                failures.Add($"Portal:Users:{i}:PasswordHash is not a password hash.");
            }

            if (!PortalRoles.All.Contains(user.Role, StringComparer.Ordinal))
            {
                failures.Add($"Portal:Users:{i}:Role '{user.Role}' is not one of {string.Join(", ", PortalRoles.All)}.");
            }

            if (user.Role == PortalRoles.PlatformPartner && string.IsNullOrWhiteSpace(user.Platform))
            {
                failures.Add($"Portal:Users:{i}:Platform is required for a platform partner.");
            }
        }

        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"Portal:ApiKeys:{i}:Name is required.");
            }

            if (key.KeyHash.Length != 64 || !key.KeyHash.All(Uri.IsHexDigit) || !hashes.Add(key.KeyHash.ToLowerInvariant()))
            {
                failures.Add($"Portal:ApiKeys:{i}:KeyHash must be a distinct 64-digit hex SHA-256.");
            }

            if (key.PermitsPerMinute is < 1)
            {
                failures.Add($"Portal:ApiKeys:{i}:PermitsPerMinute must be positive.");
            }

            if (string.IsNullOrWhiteSpace(key.Platform))
            {
                failures.Add($"Portal:ApiKeys:{i}:Platform is required.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
