using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// Credentials for the portal's settings, never stored in clear: <c>pipeline portal-hash-password</c> reads a password
/// from standard input and prints its PBKDF2 hash (for <c>Portal__Users__N__PasswordHash</c>);
/// <c>pipeline portal-api-key</c> makes a new random key and prints it once with its SHA-256 (for <c>Portal__ApiKeys__N__KeyHash</c>).
/// </summary>
internal static class PortalCredentialsCommand
{
    public const string HashPasswordVerb = "portal-hash-password";
    public const string ApiKeyVerb = "portal-api-key";

    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal);

    public static int HashPassword(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password) || password.Length < 12)
        {
            throw new UsageException("give the password (at least 12 characters) on standard input, e.g. read -rs P; echo \"$P\" | pipeline portal-hash-password");
        }

        output.WriteLine(PortalPasswords.Hash(password));
        return ExitCodes.Ok;
    }

    public static int NewApiKey(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var key = PortalApiKeys.Generate();
        output.WriteLine($"key:     {key}   (give this to the partner; it is not stored)");
        output.WriteLine($"KeyHash: {PortalApiKeys.Hash(key)}   (Portal__ApiKeys__N__KeyHash)");
        return ExitCodes.Ok;
    }
}
