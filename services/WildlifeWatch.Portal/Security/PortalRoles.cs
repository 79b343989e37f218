namespace WildlifeWatch.Portal.Security;

/// <summary>The roles of the portal and the policies built from them.</summary>
public static class PortalRoles
{
    public const string Investigator = "investigator";
    public const string Analyst = "analyst";
    public const string PlatformPartner = "platform-partner";
    public const string Administrator = "administrator";

    public static IReadOnlyList<string> All { get; } = [Investigator, Analyst, PlatformPartner, Administrator];

    /// <summary>The claim that binds a platform partner to one platform.</summary>
    public const string PlatformClaim = "wtw:platform";
}

/// <summary>Authorization policies; a page names the policy for what it does, never a list of roles.</summary>
public static class PortalPolicies
{
    /// <summary>See alerts and listings (a platform partner: its own platform's only).</summary>
    public const string Review = "review";

    /// <summary>Label listings for retraining.</summary>
    public const string Label = "label";

    /// <summary>Open cases, add listings, export evidence.</summary>
    public const string Investigate = "investigate";

    /// <summary>The screening API: machine clients with an API key.</summary>
    public const string Screen = "screen";
}
