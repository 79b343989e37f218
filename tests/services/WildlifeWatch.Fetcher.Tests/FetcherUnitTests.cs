using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;
using WildlifeWatch.TestSupport;

namespace WildlifeWatch.Fetcher.Tests;

/// <summary>The parts of the fetcher that need no browser.</summary>
public sealed class FetcherUnitTests
{
    [Test]
    public void Chromium_locator_explains_how_to_install_when_the_configured_binary_is_missing()
    {
        var options = new FetcherOptions { ExecutablePath = Path.Combine(Path.GetTempPath(), "no-such-chromium") };

        Assert.That(() => ChromiumLocator.Resolve(options, null),
            Throws.TypeOf<ChromiumNotFoundException>()
                .With.Message.Contains("apt-get install chromium")
                .And.Message.Contains("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
                .And.Message.Contains("Fetcher__ExecutablePath"));
    }

    [Test]
    public void Chromium_locator_prefers_the_option_then_the_environment()
    {
        var existing = typeof(FetcherUnitTests).Assembly.Location;

        Assert.Multiple(() =>
        {
            Assert.That(ChromiumLocator.Resolve(new FetcherOptions { ExecutablePath = existing }, "/elsewhere"), Is.EqualTo(existing));
            Assert.That(ChromiumLocator.Resolve(new FetcherOptions(), existing), Is.EqualTo(existing));
            Assert.That(() => ChromiumLocator.Resolve(new FetcherOptions(), existing + ".missing"), Throws.TypeOf<ChromiumNotFoundException>());
        });
    }

    [Test]
    public void Canonical_json_sorts_keys_drops_whitespace_and_escapes_minimally()
    {
        var json = CanonicalJson.Serialize(new Dictionary<string, object?>
        {
            ["b"] = new List<object?> { 1, "x\"y\\z\n\u0001", null, true },
            ["a"] = new Dictionary<string, object?> { ["z"] = 2L, ["B"] = "é ivory 象牙" },
        });

        Assert.That(Encoding.UTF8.GetString(json),
            Is.EqualTo("{\"a\":{\"B\":\"é ivory 象牙\",\"z\":2},\"b\":[1,\"x\\\"y\\\\z\\n\\u0001\",null,true]}"));
    }

    [Test]
    public void Manifest_outlinks_can_be_read_back()
    {
        var artifact = new ManifestArtifact(new string('a', 64), 3, "text/plain");
        var manifest = new CaptureManifest("c", "k", "http://h/", "http://h/", "http://h/", 200, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            "ua", "1.0", artifact, artifact, artifact, ["http://h/a", "http://h/b"]);

        Assert.That(CaptureManifest.ReadOutlinks(manifest.ToCanonicalJson()), Is.EqualTo(new[] { "http://h/a", "http://h/b" }));
    }

    [TestCase("120", 120)]
    [TestCase(" 0 ", 0)]
    [TestCase("Wed, 21 Oct 2015 07:28:30 GMT", 30)]
    [TestCase("Wed, 21 Oct 2015 07:27:00 GMT", 0)]
    [TestCase("soon", null)]
    [TestCase(null, null)]
    public void Retry_after_is_read_as_seconds_or_as_a_date(string? header, int? seconds)
    {
        var now = new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero);

        Assert.That(ResponseChecks.ParseRetryAfter(header, now), Is.EqualTo(seconds is null ? (TimeSpan?)null : TimeSpan.FromSeconds(seconds.Value)));
    }

    [TestCase("text/html; charset=utf-8", true)]
    [TestCase("application/xhtml+xml", true)]
    [TestCase(null, true)]
    [TestCase("application/pdf", false)]
    [TestCase("image/jpeg", false)]
    [TestCase("text/plain", false)]
    public void Only_html_is_captured(string? contentType, bool html) =>
        Assert.That(ResponseChecks.IsHtml(contentType), Is.EqualTo(html));

    [Test]
    public void Outlinks_are_absolute_http_without_fragments_distinct_and_in_order()
    {
        var links = PageCapturer.NormalizeOutlinks(
        [
            "https://m.example/b#x", "mailto:a@b.c", "https://m.example/a", "https://m.example/b", "javascript:void(0)", "ftp://m.example/f", "http://m.example/c?q=1#y",
        ]);

        Assert.That(links, Is.EqualTo(new[] { "https://m.example/b", "https://m.example/a", "http://m.example/c?q=1" }));
    }

    [Test]
    public async Task Politeness_spaces_turns_for_one_host_from_its_last_response_and_not_across_hosts()
    {
        using var temporary = await TemporaryStore.CreateAsync("c1", "wtw-politeness");
        var politeness = Politeness(temporary.Store, 300);
        var started = DateTimeOffset.UtcNow;

        var first = await politeness.WaitTurnAsync(new Uri("http://a.example/1"));
        await (await politeness.WaitTurnAsync(new Uri("http://b.example/1"))).DisposeAsync();
        var otherHost = DateTimeOffset.UtcNow - started;
        var second = politeness.WaitTurnAsync(new Uri("http://a.example:8080/2"));
        await Task.Delay(200);
        var waitedForResponse = !second.IsCompleted;
        var answeredAt = DateTimeOffset.UtcNow;
        first.Answered();
        await (await second).DisposeAsync();
        await first.DisposeAsync();
        var afterAnswer = DateTimeOffset.UtcNow - answeredAt;

        Assert.Multiple(() =>
        {
            Assert.That(otherHost, Is.LessThan(TimeSpan.FromMilliseconds(250)));
            Assert.That(waitedForResponse, Is.True, "one request to a host at a time");
            Assert.That(afterAnswer, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
        });
    }

    [Test]
    public async Task Politeness_holds_across_replicas_that_share_a_store()
    {
        // Two fetcher processes: two store instances on one database file, as replicas share one store.
        using var temporary = await TemporaryStore.CreateAsync("c1", "wtw-politeness");
        using var otherReplicaStore = new SqlitePipelineStore(temporary.DatabasePath);
        var replicas = new[] { Politeness(temporary.Store, 150), Politeness(otherReplicaStore, 150) };
        var turns = new System.Collections.Concurrent.ConcurrentQueue<(int Replica, DateTimeOffset Start, DateTimeOffset Answer)>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var turn = await replicas[i % 2].WaitTurnAsync(new Uri($"http://shop.example/{i}"));
            var start = DateTimeOffset.UtcNow;
            await Task.Delay(20);
            var answer = DateTimeOffset.UtcNow;
            turn.Answered();
            turns.Enqueue((i % 2, start, answer));
        }));

        var ordered = turns.OrderBy(t => t.Start).ToList();
        Assert.That(ordered.Select(t => t.Replica).Distinct().Count(), Is.EqualTo(2), "both replicas fetched");
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.That(ordered[i].Start - ordered[i - 1].Answer, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(149)), $"gap before turn {i + 1}");
        }
    }

    private static HostPoliteness Politeness(IPipelineStore store, int delayMs) =>
        new(store, Options.Create(new FetcherOptions { PerHostMinDelayMs = delayMs }));

    [Test]
    public async Task Fetcher_module_wires_the_capture_handler()
    {
        var dbPath = Path.Combine(Path.GetTempPath(), $"wtw-fetcher-module-{Guid.NewGuid():N}.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fetcher:MaxConcurrentPages"] = "3", ["Fetcher:PerHostMinDelayMs"] = "5" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IPipelineStore>(new SqlitePipelineStore(dbPath));
        new FetcherModule().ConfigureServices(services, configuration);

        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }))
        {
            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<CaptureHandler>(), Is.Not.Null);
                Assert.That(provider.GetRequiredService<IOptions<FetcherOptions>>().Value.MaxConcurrentPages, Is.EqualTo(3));
                Assert.That(provider.GetRequiredService<IPageCapturer>(), Is.TypeOf<PageCapturer>());
            });
        }

        File.Delete(dbPath);
    }

    [TestCase("Fetcher:AllowedPrivateNetworks", "10.0.0.0/33", "CIDR")]
    [TestCase("Fetcher:RenderMode", "headless", "RenderMode")]
    [TestCase("Fetcher:MaxRedirects", "-1", "MaxRedirects")]
    [TestCase("Fetcher:BreakerFailureThreshold", "1", "BreakerFailureThreshold")]
    public void Fetcher_settings_are_validated_at_start(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IPipelineStore>(new SqlitePipelineStore(Path.Combine(Path.GetTempPath(), "unused.db")));
        new FetcherModule().ConfigureServices(services, configuration);
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IOptions<FetcherOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains(named));
    }

    [Test]
    public void The_default_user_agent_names_the_project_and_a_contact_url()
    {
        Assert.That(FetcherOptions.DefaultUserAgent, Does.StartWith("WildlifeTradeWatch/").And.Match(@"\(\+https://[^\s;)]+"));
    }

    [Test]
    public void The_render_mode_of_a_request_wins_over_the_configured_one_when_it_is_valid()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RenderMode.Resolve("HTTP", RenderMode.Browser), Is.EqualTo(RenderMode.Http));
            Assert.That(RenderMode.Resolve(null, RenderMode.Auto), Is.EqualTo(RenderMode.Auto));
            Assert.That(RenderMode.Resolve("magic", RenderMode.Browser), Is.EqualTo(RenderMode.Browser));
        });
    }

    [TestCase(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 0, 0, 0 }, true)]
    [TestCase(new byte[] { 0x3C, 0x68, 0x31, 0x3E, 0x0A }, false)]
    [TestCase(new byte[] { 0xFF, 0xFE, 0x3C, 0x00, 0x68, 0x00 }, false)]
    [TestCase(new byte[] { 1, 2, 3, 4, 5, 6, 0x41 }, true)]
    public void Binary_content_is_told_from_text(byte[] content, bool binary) =>
        Assert.That(ResponseChecks.LooksBinary(content), Is.EqualTo(binary));

    [Test]
    public void Image_sizes_are_read_from_png_gif_and_jpeg_headers()
    {
        byte[] gif = [.. "GIF89a"u8, 0x10, 0x27, 0x20, 0x4E];
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x9C, 0x40, 0x03];
        Assert.Multiple(() =>
        {
            Assert.That(ResponseChecks.ImageSize(FixtureSite.PngHeader(60_000, 30_000)), Is.EqualTo(((long)60_000, (long)30_000)));
            Assert.That(ResponseChecks.ImageSize(gif), Is.EqualTo(((long)10_000, (long)20_000)));
            Assert.That(ResponseChecks.ImageSize(jpeg), Is.EqualTo(((long)40_000, (long)30_000)));
            Assert.That(ResponseChecks.ImageSize("not an image"u8), Is.Null);
        });
    }
}
