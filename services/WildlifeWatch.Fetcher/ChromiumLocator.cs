namespace WildlifeWatch.Fetcher;

/// <summary>No Chromium binary could be found; the message says how to provide one.</summary>
public sealed class ChromiumNotFoundException : Exception
{
    public ChromiumNotFoundException()
        : this(ChromiumLocator.InstallHint)
    {
    }

    public ChromiumNotFoundException(string message)
        : base(message)
    {
    }

    public ChromiumNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Finds the system Chromium. Playwright's own browser download cannot run where the pipeline is
/// deployed, so the fetcher always drives an installed binary.
/// </summary>
public static class ChromiumLocator
{
    public const string EnvironmentVariable = "PLAYWRIGHT_CHROMIUM_EXECUTABLE";
    public const string DefaultPath = "/usr/bin/chromium";

    public const string InstallHint =
        "Chromium was not found. Install it (Debian/Ubuntu: 'apt-get install chromium', which provides /usr/bin/chromium) " +
        "or point the fetcher at a Chromium binary with the PLAYWRIGHT_CHROMIUM_EXECUTABLE environment variable or Fetcher__ExecutablePath.";

    public static string Resolve(FetcherOptions options) =>
        Resolve(options, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>Resolution with the environment passed in, so it can be tested without touching the process.</summary>
    public static string Resolve(FetcherOptions options, string? environmentValue)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ExecutablePath))
        {
            return File.Exists(options.ExecutablePath)
                ? options.ExecutablePath
                : throw new ChromiumNotFoundException($"Fetcher:ExecutablePath '{options.ExecutablePath}' does not exist. {InstallHint}");
        }

        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return File.Exists(environmentValue)
                ? environmentValue
                : throw new ChromiumNotFoundException($"{EnvironmentVariable} '{environmentValue}' does not exist. {InstallHint}");
        }

        return File.Exists(DefaultPath) ? DefaultPath : throw new ChromiumNotFoundException();
    }
}
