using System.Text.Json;
using WildlifeWatch.DemoMarketplace;

namespace WildlifeWatch.DemoMarketplace.Tests;

internal sealed record ListingRow(string Id, string Language, string Category, string Title, string Description, string[] ImageColours);

internal static class TestSupport
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static HttpClient Client(DemoMarketplaceServer server) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Data/listings.json as shipped next to the library, read independently of the server's own loader.</summary>
    public static (IReadOnlyList<string> Categories, IReadOnlyList<ListingRow> Listings) LoadListings()
    {
        var path = Path.Combine(Path.GetDirectoryName(GroundTruth.DefaultPath)!, "listings.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var categories = doc.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("slug").GetString()!).ToList();
        var listings = doc.RootElement.GetProperty("listings").Deserialize<List<ListingRow>>(Web)!;
        return (categories, listings);
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), url);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }
}
