using System.Globalization;
using System.Text.Json;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline provenance declare ...</c> records an owner's specimen provenance declaration (validated field by field,
/// linked to listings); <c>pipeline provenance list [--listing ID]</c> shows the declarations of a listing. Both audited.
/// </summary>
internal static class ProvenanceCommand
{
    public const string DeclareVerb = "provenance-declare";
    public const string ListVerb = "provenance-list";

    public static readonly IReadOnlySet<string> DeclareOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "db", "owner", "contact", "specimen", "taxon", "method", "acquired", "country", "permit", "listing",
    };

    public static readonly IReadOnlySet<string> ListOptions = new HashSet<string>(StringComparer.Ordinal) { "db", "listing", "json" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Turns <c>provenance declare|list ...</c> into one verb, as <c>alerts subscribe</c> does.</summary>
    public static string[] Normalize(string[] args) => args switch
    {
        ["provenance", "declare", ..] => [DeclareVerb, .. args[2..]],
        ["provenance", "list", ..] => [ListVerb, .. args[2..]],
        _ => args,
    };

    /// <summary>The acquisition method as written on the command line: captive-bred, pre-convention, inherited, purchased, imported-with-permit, other.</summary>
    public static AcquisitionMethod? ParseMethod(string? text) =>
        Enum.GetValues<AcquisitionMethod>().Cast<AcquisitionMethod?>().FirstOrDefault(m => string.Equals(MethodName(m!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string MethodName(AcquisitionMethod method) => method switch
    {
        AcquisitionMethod.CaptiveBred => "captive-bred",
        AcquisitionMethod.PreConvention => "pre-convention",
        AcquisitionMethod.ImportedWithPermit => "imported-with-permit",
        _ => method.ToString().ToLowerInvariant(),
    };

    public static async Task<int> DeclareAsync(CommandLine line, CancellationToken ct)
    {
        var methodText = line.String("method") ?? throw new UsageException("--method is required.");
        var method = ParseMethod(methodText)
            ?? throw new UsageException($"--method must be one of {string.Join(", ", Enum.GetValues<AcquisitionMethod>().Select(MethodName))}, not '{methodText}'.");
        DateOnly? acquired = line.String("acquired") is { } date
            ? DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on) ? on : throw new UsageException($"--acquired must be a date like 2019-06-01, not '{date}'.")
            : null;
        var now = DateTimeOffset.UtcNow;
        var declaration = new ProvenanceDeclaration(
            "prov-" + Guid.NewGuid().ToString("N")[..20],
            line.String("owner") ?? string.Empty,
            line.String("contact") ?? string.Empty,
            line.String("specimen") ?? string.Empty,
            line.String("taxon") ?? string.Empty,
            method,
            acquired,
            (line.String("country") ?? string.Empty).Trim().ToUpperInvariant(),
            line.String("permit")?.Trim(),
            (line.String("listing") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            now) { SubmittedBy = StoreAccess.Actor };

        var errors = ProvenanceValidator.Validate(declaration, now).ToList();
        await using var access = await StoreAccess.OpenAsync(line, ct);
        foreach (var listing in declaration.ListingIds)
        {
            if (await access.Store.GetListingAsync(listing, ct) is null)
            {
                errors.Add(new FieldError(nameof(declaration.ListingIds), $"no listing '{listing}' in the store."));
            }
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"pipeline: {error.Field} {error.Message}");
            }

            return ExitCodes.Usage;
        }

        await access.Store.AddProvenanceDeclarationAsync(declaration, ct);
        foreach (var subject in declaration.ListingIds.DefaultIfEmpty(declaration.Id))
        {
            await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "provenance-declare", subject, declaration.Id, now), ct);
        }

        Console.WriteLine($"Declaration {declaration.Id} recorded{(declaration.ListingIds.Count == 0 ? string.Empty : $" for {string.Join(", ", declaration.ListingIds)}")}.");
        return ExitCodes.Ok;
    }

    public static async Task<int> ListAsync(CommandLine line, CancellationToken ct)
    {
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var listing = line.String("listing");
        var declarations = await access.Store.GetProvenanceDeclarationsAsync(listing, ct);
        if (line.Flag("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(declarations, Json));
        }
        else if (declarations.Count == 0)
        {
            Console.WriteLine(listing is null ? "No provenance declarations." : $"No provenance declarations for listing {listing}.");
        }
        else
        {
            foreach (var d in declarations)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{d.SubmittedAt:yyyy-MM-dd HH:mm}  {d.Id}  {d.Taxon}  {MethodName(d.AcquisitionMethod)}  acquired {d.AcquiredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-"} in {d.Country}  permit {d.CitesPermitNumber ?? "-"}"));
                Console.WriteLine($"    owner {d.OwnerName} <{d.OwnerContact}>; specimen: {d.SpecimenDescription}; listings: {string.Join(", ", d.ListingIds)}");
            }
        }

        await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "provenance-list", listing ?? "provenance:*", $"{declarations.Count} declarations", DateTimeOffset.UtcNow), ct);
        return ExitCodes.Ok;
    }
}
