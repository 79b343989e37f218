using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Portal.Security;

/// <summary>Password hashes in ASP.NET Core Identity's v3 format (PBKDF2-HMAC-SHA512, 128-bit salt, 100,000 iterations).</summary>
public static class PortalPasswords
{
    private static readonly PasswordHasher<object> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(Owner, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(Owner, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;

    /// <summary>A well-formed v3 hash (format marker 0x01 and room for the header, salt and subkey).</summary>
    public static bool IsHash(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var length) && length >= 13 + 16 + 32 && bytes[0] == 0x01;
    }

    /// <summary>A random password for a bootstrap administrator: 24 characters from a URL-safe alphabet.</summary>
    public static string Generate() => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_", 24);

    private static readonly object Owner = new();
}

/// <summary>API keys: random, shown once, stored only as their SHA-256.</summary>
public static class PortalApiKeys
{
    public const string Header = "X-Api-Key";

    public static string Generate() => "wtw_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}

/// <summary>A signed-in person or machine as the portal knows it.</summary>
public sealed record PortalAccount(string Name, string Role, string? Platform)
{
    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Name), new(ClaimTypes.Role, Role) };
        if (Platform is not null)
        {
            claims.Add(new Claim(PortalRoles.PlatformClaim, Platform));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}

/// <summary>The configured users and API keys, with the bootstrap administrator's password hashed once at start.</summary>
public sealed class PortalDirectory
{
    // Checked against when the name is unknown, so a wrong name costs as much time as a wrong password.
    private static readonly string DecoyHash = PortalPasswords.Hash(Guid.NewGuid().ToString());

    private readonly Dictionary<string, (string Hash, PortalAccount Account)> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(byte[] Hash, PortalAccount Account)> _keys = [];

    public PortalDirectory(IOptions<PortalOptions> options)
    {
        var o = options.Value;
        _users[o.AdminName] = (PortalPasswords.Hash(o.AdminPassword ?? throw new InvalidOperationException("Portal:AdminPassword is required.")),
            new PortalAccount(o.AdminName, PortalRoles.Administrator, null));
        foreach (var user in o.Users)
        {
            _users[user.Name] = (user.PasswordHash, new PortalAccount(user.Name, user.Role, user.Role == PortalRoles.PlatformPartner ? user.Platform : null));
        }

        foreach (var key in o.ApiKeys)
        {
            _keys.Add((Convert.FromHexString(key.KeyHash), new PortalAccount(key.Name, PortalRoles.PlatformPartner, key.Platform)));
        }
    }

    public PortalAccount? SignIn(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || !_users.TryGetValue(name, out var user))
        {
            PortalPasswords.Verify(DecoyHash, password ?? string.Empty);
            return null;
        }

        return PortalPasswords.Verify(user.Hash, password) ? user.Account : null;
    }

    public PortalAccount? FindByApiKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
        PortalAccount? found = null;
        foreach (var (stored, account) in _keys)
        {
            // Every key is compared, in constant time, so the answer's timing says nothing about near misses.
            if (CryptographicOperations.FixedTimeEquals(stored, hash))
            {
                found = account;
            }
        }

        return found;
    }
}
