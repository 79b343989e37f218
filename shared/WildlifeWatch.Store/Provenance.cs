using System.Net.Mail;
using System.Text.RegularExpressions;

namespace WildlifeWatch.Store;

/// <summary>How an owner says they came by a specimen.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<AcquisitionMethod>))]
public enum AcquisitionMethod
{
    CaptiveBred,
    PreConvention,
    Inherited,
    Purchased,
    ImportedWithPermit,
    Other,
}

/// <summary>
/// An owner's declaration of where a specimen comes from: who owns it, what it is, how, when and where it was
/// acquired, any CITES permit or certificate number, and the listings it is offered in. Stored as submitted; the
/// listing ids link it to listings so a listing page can show the declarations that concern it.
/// </summary>
public sealed record ProvenanceDeclaration(
    string Id,
    string OwnerName,
    string OwnerContact,
    string SpecimenDescription,
    string Taxon,
    AcquisitionMethod AcquisitionMethod,
    DateOnly? AcquiredOn,
    string Country,
    string? CitesPermitNumber,
    IReadOnlyList<string> ListingIds,
    DateTimeOffset SubmittedAt)
{
    /// <summary>Who entered it (a portal user or the CLI's operator), for the audit trail.</summary>
    public string? SubmittedBy { get; init; }
}

/// <summary>One problem with one field of a submitted form.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// Checks a provenance declaration field by field and returns every problem (never throws for bad input), so a form
/// can show them all beside their fields. Text is captured from the public and may be hostile: lengths are bounded and
/// control characters refused; encoding for display is the portal's job.
/// </summary>
public static partial class ProvenanceValidator
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxListings = 100;

    // ISO 3166-1 alpha-2 (officially assigned codes).
    private const string IsoCountries =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU " +
        "CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE " +
        "IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM " +
        "SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    private static readonly HashSet<string> Countries = new(IsoCountries.Split(' '), StringComparer.Ordinal);

    /// <summary>True for an officially assigned ISO 3166-1 alpha-2 code (upper case).</summary>
    public static bool IsCountryCode(string? code) => code is { Length: 2 } && Countries.Contains(code);

    /// <summary>
    /// A CITES permit or certificate number as issuing authorities write them: the issuing country's ISO code, then
    /// letters and digits in groups separated by '/', '-', '.' or a space ("FR/2024/000123", "GB 23-ABC-0042",
    /// "DE-E-1234/22"), or the two-digit year first ("24US123456/9", the US format). 6 to 40 characters, at least one
    /// digit, the country code assigned.
    /// </summary>
    public static bool IsPermitNumber(string? permit)
    {
        if (permit is null)
        {
            return false;
        }

        var text = permit.Trim().ToUpperInvariant();
        if (text.Length is < 6 or > 40 || !text.Any(char.IsAsciiDigit))
        {
            return false;
        }

        var match = PermitPattern().Match(text);
        return match.Success && IsCountryCode(match.Groups["cc"].Success ? match.Groups["cc"].Value : match.Groups["ycc"].Value);
    }

    public static IReadOnlyList<FieldError> Validate(ProvenanceDeclaration declaration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var errors = new List<FieldError>();
        Text(errors, nameof(declaration.OwnerName), declaration.OwnerName, MaxNameLength);
        if (Text(errors, nameof(declaration.OwnerContact), declaration.OwnerContact, MaxNameLength) && !IsContact(declaration.OwnerContact.Trim()))
        {
            errors.Add(new(nameof(declaration.OwnerContact), "must be an e-mail address or a phone number."));
        }

        Text(errors, nameof(declaration.SpecimenDescription), declaration.SpecimenDescription, MaxDescriptionLength, multiline: true);
        Text(errors, nameof(declaration.Taxon), declaration.Taxon, MaxNameLength);
        if (!Enum.IsDefined(declaration.AcquisitionMethod))
        {
            errors.Add(new(nameof(declaration.AcquisitionMethod), "is not a known acquisition method."));
        }

        if (declaration.AcquiredOn is { } on && (on > DateOnly.FromDateTime(now.UtcDateTime) || on.Year < 1800))
        {
            errors.Add(new(nameof(declaration.AcquiredOn), "must be a past date."));
        }

        if (!IsCountryCode(declaration.Country))
        {
            errors.Add(new(nameof(declaration.Country), "must be an ISO 3166-1 alpha-2 country code such as FR or VN."));
        }

        if (string.IsNullOrWhiteSpace(declaration.CitesPermitNumber))
        {
            if (declaration.AcquisitionMethod == AcquisitionMethod.ImportedWithPermit)
            {
                errors.Add(new(nameof(declaration.CitesPermitNumber), "is required for a specimen imported with a permit."));
            }
        }
        else if (!IsPermitNumber(declaration.CitesPermitNumber))
        {
            errors.Add(new(nameof(declaration.CitesPermitNumber),
                "is not a permit number: expected the issuing country's ISO code then letters and digits, e.g. FR/2024/000123 or 24US123456/9."));
        }

        if (declaration.ListingIds.Count > MaxListings)
        {
            errors.Add(new(nameof(declaration.ListingIds), $"at most {MaxListings} listings."));
        }
        else if (declaration.ListingIds.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > 128 || id.Any(char.IsControl)))
        {
            errors.Add(new(nameof(declaration.ListingIds), "every listing id must be non-empty text of at most 128 characters."));
        }

        return errors;
    }

    private static bool Text(List<FieldError> errors, string field, string? value, int max, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "is required."));
            return false;
        }

        if (value.Length > max)
        {
            errors.Add(new(field, $"must be at most {max} characters."));
            return false;
        }

        if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(new(field, "must not contain control characters."));
            return false;
        }

        return true;
    }

    private static bool IsContact(string contact) =>
        contact.Contains('@', StringComparison.Ordinal)
            ? MailAddress.TryCreate(contact, out var mail) && mail.Address == contact && mail.Host.Contains('.', StringComparison.Ordinal)
            : PhonePattern().IsMatch(contact) && contact.Count(char.IsAsciiDigit) is >= 6 and <= 15;

    [GeneratedRegex(@"^(?:(?<cc>[A-Z]{2})[/\-. ]?|\d{2}(?<ycc>[A-Z]{2}))[A-Z0-9]+(?:[/\-. ][A-Z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PermitPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ().\-]{4,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
