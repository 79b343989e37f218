namespace WildlifeWatch.DemoMarketplace;

/// <summary>How to start the demo marketplace. It only ever listens on a loopback address.</summary>
public sealed class DemoMarketplaceOptions
{
    /// <summary>TCP port; 0 picks a free ephemeral port.</summary>
    public int Port { get; set; }

    /// <summary>Loopback address to bind (127.0.0.0/8, ::1 or "localhost"); anything else is refused.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Listings per category or search results page.</summary>
    public int PageSize { get; set; } = 12;
}
