using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Fetcher;

/// <summary>How a page is fetched: rendered by Chromium, fetched as plain HTTP, or decided per host.</summary>
public static class RenderMode
{
    public const string Browser = "browser";
    public const string Http = "http";
    public const string Auto = "auto";

    /// <summary>The request's mode when it names a valid one, else the configured default.</summary>
    public static string Resolve(string? requested, string configured)
    {
        var mode = requested?.Trim().ToLowerInvariant();
        return mode is Browser or Http or Auto ? mode : configured;
    }
}

/// <summary>Validates a comma-separated CIDR list at start-up.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CidrListAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        try
        {
            NetworkGuard.ParseNetworks(value as string);
            return ValidationResult.Success;
        }
        catch (FormatException e)
        {
            return new ValidationResult(e.Message, validationContext?.MemberName is { } m ? [m] : null);
        }
    }
}
