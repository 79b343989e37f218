using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>Where the site's data and static files live, and the JSON settings shared by reading and serving.</summary>
internal static class SiteFiles
{
    /// <summary>The DemoMarketplace folder copied next to this assembly, whatever the caller's working directory.</summary>
    public static string Root { get; } = Path.Combine(AssemblyFolder(), "DemoMarketplace");

    public static readonly JsonSerializerOptions JsonRead = new(JsonSerializerDefaults.Web);

    // Non-ASCII text stays readable, while <, >, & and quotes are still escaped.
    public static readonly JsonSerializerOptions JsonWrite = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private static string AssemblyFolder()
    {
        var location = typeof(SiteFiles).Assembly.Location;
        var folder = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        return folder ?? AppContext.BaseDirectory;
    }
}
