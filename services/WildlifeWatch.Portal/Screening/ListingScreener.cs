using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Portal.Screening;

/// <summary>A platform's listing before it is published, as <c>POST /api/screen</c> receives it.</summary>
public sealed record ScreeningRequest(string? Title, string? Description, decimal? Price = null, string? Platform = null, string? Language = null)
{
    public const int MaxTitle = 500;
    public const int MaxDescription = 20_000;

    /// <summary>Field errors in problem-details shape (field name to messages); empty when the request is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Title))
        {
            errors["title"] = ["A title is required."];
        }
        else if (Title.Length > MaxTitle)
        {
            errors["title"] = [$"At most {MaxTitle} characters."];
        }

        if (Description is { Length: > MaxDescription })
        {
            errors["description"] = [$"At most {MaxDescription} characters."];
        }

        if (Price is < 0)
        {
            errors["price"] = ["A price cannot be negative."];
        }

        if (Platform is { Length: > 253 })
        {
            errors["platform"] = ["At most 253 characters."];
        }

        if (Language is { } language && (language.Length is 0 or > 16 || !language.All(c => char.IsAsciiLetter(c) || c == '-')))
        {
            errors["language"] = ["A language tag such as 'en' or 'zh-Hant'."];
        }

        return errors;
    }
}

public sealed record ScreenedTaxon(string Taxon, string Appendix, string SpeciesGroup, IReadOnlyList<string> Terms);

public sealed record ScreenedReason(string Kind, string Feature, double Contribution);

/// <summary>What the live model says of a screened listing.</summary>
public sealed record ScreeningResult(
    double Score,
    string ProductType,
    string? SpeciesGroup,
    IReadOnlyList<ScreenedTaxon> Taxa,
    IReadOnlyList<ScreenedReason> Reasons,
    string ModelVersion);

/// <summary>
/// Screens a listing with the classifier's live model (the same <see cref="ModelProvider"/>, so a publication swaps it
/// here too) and the same prediction the classifier stores: score, product type, taxa with their CITES appendix, reasons.
/// </summary>
public sealed class ListingScreener(ModelProvider models)
{
    public async Task<ScreeningResult> ScreenAsync(ScreeningRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await models.GetAsync(ct);
        var prediction = model.Predict(request.Title ?? string.Empty, request.Description ?? string.Empty);
        return new ScreeningResult(
            prediction.Score,
            prediction.PredictedProductType,
            prediction.SpeciesGroup,
            prediction.Taxa.Select(t => new ScreenedTaxon(t.Taxon, t.Appendix, t.SpeciesGroup, t.Terms)).ToList(),
            prediction.Reasons.Select(r => new ScreenedReason(r.Kind, r.Feature, r.Contribution)).ToList(),
            model.Version);
    }
}
