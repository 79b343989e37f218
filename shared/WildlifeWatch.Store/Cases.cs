namespace WildlifeWatch.Store;

/// <summary>An investigation that groups listings; <see cref="Id"/> is the short name chosen when it is opened.</summary>
public sealed record InvestigationCase(string Id, string Title, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>A listing added to a case: by whom and when (the first addition counts; adding it again changes nothing).</summary>
public sealed record CaseListing(string CaseId, string ListingId, string AddedBy, DateTimeOffset AddedAt);

/// <summary>The audit actions the store writes for cases, under the case (creation) and under the listing (addition).</summary>
public static class CaseAudit
{
    public const string Created = "case-created";
    public const string ListingAdded = "case-listing-added";
}
