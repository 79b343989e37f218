using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Capture = WildlifeWatch.Store.Capture;
using Microsoft.AspNetCore.Builder;
using SkiaSharp;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Portal;
using WildlifeWatch.Portal.Security;
using WildlifeWatch.Store;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Portal.Tests;

/// <summary>
/// The portal on a real Kestrel at 127.0.0.1:0 over a throw-away SQLite store seeded with listings of two platforms,
/// one of them hostile (markup and script in every captured field), and the users and API keys below.
/// </summary>
public sealed partial class PortalTestServer : IAsyncDisposable
{
    public const string Crawl = "c1";
    public const string AdminPassword = "admin-password-for-tests";
    public const string Password = "user-password-for-tests";
    public const string ShopKey = "wtw_shop_key_for_tests";
    public const string LimitedKey = "wtw_limited_key_for_tests";
    public const string Shop = "shop.example";
    public const string Other = "other.example";

    /// <summary>Sets a flag and opens a dialog if it ever runs; it must only ever be shown as text.</summary>
    public const string HostileTitle = "<script>window.__pwned='title';alert('title')</script>Ivory carving";
    public const string HostileDescription = "<img src=x onerror=\"window.__pwned='img';alert('img')\"><b>bold</b> tusk";
    public const string HostileSeller = "\"><svg onload=\"window.__pwned='svg'\">";

    private static readonly string PasswordHash = PortalPasswords.Hash(Password);
    private readonly TemporaryStore _store;

    private PortalTestServer(TemporaryStore store, WebApplication app)
    {
        _store = store;
        App = app;
        BaseAddress = PortalApp.BaseAddress(app);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IPipelineStore Store => _store.Store;

    /// <summary>The portal; the <see cref="LimitedKey"/> partner may screen <paramref name="limitedPermits"/> listings a minute.</summary>
    public static async Task<PortalTestServer> StartAsync(int pageSize = 50, int limitedPermits = 1000)
    {
        var store = await TemporaryStore.CreateAsync(Crawl, "wtw-portal");
        await SeedAsync(store.Store);
        var models = Path.Combine(AppContext.BaseDirectory, "models");
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = "Sqlite",
            ["Store:SqlitePath"] = store.DatabasePath,
            ["Bus:Transport"] = "InMemory",
            ["Classifier:ModelPath"] = Path.Combine(models, "listing-model.zip"),
            ["Classifier:ModelDirectory"] = models,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Portal:Port"] = "0",
            ["Portal:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Portal:AdminPassword"] = AdminPassword,
            ["Portal:ApiKeys:0:Name"] = "shop-screening",
            ["Portal:ApiKeys:0:KeyHash"] = PortalApiKeys.Hash(ShopKey),
            ["Portal:ApiKeys:0:Platform"] = Shop,
            ["Portal:ApiKeys:1:Name"] = "limited",
            ["Portal:ApiKeys:1:KeyHash"] = PortalApiKeys.Hash(LimitedKey),
            ["Portal:ApiKeys:1:Platform"] = Shop,
            ["Portal:ApiKeys:1:PermitsPerMinute"] = limitedPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var users = new (string Name, string Role, string? Platform)[]
        {
            ("ivy", PortalRoles.Investigator, null),
            ("ana", PortalRoles.Analyst, null),
            ("pat", PortalRoles.PlatformPartner, Shop),
        };
        for (var i = 0; i < users.Length; i++)
        {
            settings[$"Portal:Users:{i}:Name"] = users[i].Name;
            settings[$"Portal:Users:{i}:PasswordHash"] = PasswordHash;
            settings[$"Portal:Users:{i}:Role"] = users[i].Role;
            settings[$"Portal:Users:{i}:Platform"] = users[i].Platform;
        }

        var app = PortalApp.Build(PortalApp.CreateBuilder([], settings));
        await app.StartAsync();
        return new PortalTestServer(store, app);
    }

    /// <summary>An HTTP client that keeps cookies and does not follow redirects, signed in as <paramref name="name"/> unless null.</summary>
    public async Task<HttpClient> ClientAsync(string? name)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (name is not null)
        {
            using var response = await client.PostAsync("/signin", await FormAsync(client, "/signin",
                ("name", name), ("password", name == "admin" ? AdminPassword : Password)));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"sign-in of {name}");
        }

        return client;
    }

    /// <summary>A form with the antiforgery token of the page at <paramref name="page"/>, as a browser would post it.</summary>
    public static async Task<FormUrlEncodedContent> FormAsync(HttpClient client, string page, params (string Key, string Value)[] fields)
    {
        var html = await client.GetStringAsync(page);
        var token = CsrfField().Match(html);
        Assert.That(token.Success, Is.True, $"{page} has an antiforgery field");
        return new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new KeyValuePair<string, string>("__csrf", WebUtility.HtmlDecode(token.Groups[1].Value))));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _store.Dispose();
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private static async Task SeedAsync(IPipelineStore store)
    {
        using var photo = TestImages.Photo(3, 64, 48);
        var png = TestImages.Encode(photo, SKEncodedImageFormat.Png);
        var hit = new LexiconHit("ivory", "en", "Loxodonta africana", "I", "elephants", "ivory", false, 0, 5);
        var scale = new LexiconHit("pangolin scales", "en", "Manis spp.", "I", "pangolins", "scales", false, 0, 15);
        await AddAsync(store, "ivory-1", $"http://{Shop}/item/1", "Carved ivory bangle", "Old ivory, ships from Hanoi.", 0.93, [hit], png, "VN", "seller-1", alert: true);
        await AddAsync(store, "pangolin-2", $"http://{Shop}/item/2", "Pangolin scales 1kg", "Raw scales for medicine.", 0.81, [scale], png, "NG", "seller-2", alert: true);
        await AddAsync(store, "other-3", $"http://{Other}/item/3", "Ivory chess set", "Antique ivory pieces.", 0.88, [hit], png, "CN", "seller-1", alert: true);
        // The screenshot of the hostile page is not a PNG at all: it must never be served as anything a browser renders.
        await AddAsync(store, "hostile-4", $"http://{Shop}/item/4", HostileTitle, HostileDescription, 0.7, [hit],
            Encoding.UTF8.GetBytes("<html><script>alert('shot')</script></html>"), "VN", HostileSeller, alert: false);
        await AddAsync(store, "decoy-5", $"http://{Shop}/item/5", "Faux ivory resin bangle", "Imitation, no animal product.", 0.08, [], png, "US", "seller-5", alert: false);

        await store.SaveListingTraitsAsync(new ListingTraits("ivory-1", "en", [new ContactIdentifier(ContactKinds.Phone, "+84912345678")], []));
        var at = DateTimeOffset.UtcNow;
        await store.AddActorLinksAsync(
        [
            ActorLink.Between("ivory-1", "pangolin-2", ContactKinds.Phone, "+84912345678", at),
            ActorLink.Between("ivory-1", "other-3", ContactKinds.Phone, "+84912345678", at),
        ]);
    }

    private static async Task AddAsync(IPipelineStore store, string id, string url, string title, string description, double score,
        LexiconHit[] hits, byte[] screenshot, string country, string seller, bool alert)
    {
        var now = DateTimeOffset.UtcNow;
        var html = await store.PutArtifactAsync(Encoding.UTF8.GetBytes($"<html><title>{id}</title></html>"), "text/html");
        var text = await store.PutArtifactAsync(Encoding.UTF8.GetBytes(title + "\n" + description), "text/plain");
        var shot = await store.PutArtifactAsync(screenshot, "image/png");
        var manifest = await store.PutArtifactAsync(Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), "application/json");
        var captureId = "cap-" + id;
        await store.AddCaptureAsync(new Capture(captureId, Crawl, "seed", url, url, url, 200, 1, now, now, html, text, shot, manifest));
        await store.CompleteExtractionAsync(captureId, new Listing(id, Crawl, captureId, url, title, description, 120m, "USD", seller, [], hits, now) { Country = country });
        await store.AddScoreAsync(new Score(id, Crawl, "m-test", score, now)
        {
            ProductType = hits.Length == 0 ? "not-wildlife" : hits[0].ProductType,
            ReasonsJson = $"[{{\"kind\":\"term\",\"feature\":\"{(hits.Length == 0 ? "faux" : hits[0].Term)}\",\"contribution\":1.25}}]",
        });
        var platform = ListingFacts.Platform(url);
        await store.CompleteAlertDecisionAsync(id, "m-test", alert
            ? new Alert("alert-" + id, id, Crawl, score, 0.5, "m-test", AlertSeverity.High, hits[0].SpeciesGroup, platform, now)
            : null);
    }
}
