using Microsoft.Extensions.Options;

namespace WildlifeWatch.Fetcher;

/// <summary>Fails the fetcher at start, with install instructions, when there is no Chromium to drive.</summary>
internal sealed class ChromiumOptionsValidator : IValidateOptions<FetcherOptions>
{
    public ValidateOptionsResult Validate(string? name, FetcherOptions options)
    {
        try
        {
            ChromiumLocator.Resolve(options);
            return ValidateOptionsResult.Success;
        }
        catch (ChromiumNotFoundException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
