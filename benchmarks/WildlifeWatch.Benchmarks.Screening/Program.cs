using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Portal;
using WildlifeWatch.Portal.Security;

// Latency of POST /api/screen over loopback HTTP: the portal on 127.0.0.1:0 with the live model, one API key, requests
// sent one at a time (or --concurrency at once) over kept-alive connections; p50/p95/p99 per run, the median of the runs.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Screening -- [--count N] [--runs N] [--concurrency N]
var count = Arg("--count", 2000);
var runs = Arg("--runs", 3);
var concurrency = Arg("--concurrency", 1);
var directory = Path.Combine(Path.GetTempPath(), "wtw-bench-screen-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
var key = PortalApiKeys.Generate();
string[][] listings =
[
    ["Carved elephant ivory bangle, old stock", "Genuine ivory, discreet shipping, WhatsApp only"],
    ["Vòng tay ngà voi thật 100%", "Ngà voi tự nhiên, giao hàng toàn quốc"],
    ["穿山甲鳞片 500克", "正品穿山甲片，包邮"],
    ["Faux ivory resin phone case", "Vegan imitation, plastic, no animal product"],
    ["Rhino horn cup, antique", "Libation cup carved from horn, certificate not available"],
    ["Tortoiseshell pattern sunglasses", "Acetate frames in classic tortoiseshell colour"],
    ["Pangolin scales for medicine", "Raw scales, bulk price for 1 kg"],
    ["Handmade leather wallet", "Full grain cow leather, stitched by hand"],
];

try
{
    var app = PortalApp.Build(PortalApp.CreateBuilder([], new Dictionary<string, string?>
    {
        ["Store:Provider"] = "Sqlite",
        ["Store:SqlitePath"] = Path.Combine(directory, "pipeline.db"),
        ["Bus:Transport"] = "InMemory",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Portal:Port"] = "0",
        ["Portal:AdminPassword"] = PortalPasswords.Generate(),
        ["Portal:ApiKeys:0:Name"] = "bench",
        ["Portal:ApiKeys:0:KeyHash"] = PortalApiKeys.Hash(key),
        ["Portal:ApiKeys:0:Platform"] = "shop.example",
        ["Portal:ApiKeys:0:PermitsPerMinute"] = "1000000",
    }));
    await app.StartAsync();
    await using var _ = app;
    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = PortalApp.BaseAddress(app) };
    client.DefaultRequestHeaders.Add(PortalApiKeys.Header, key);

    // The first request waits for the model (loaded, or trained once when none is saved); then a warm-up.
    var load = Stopwatch.StartNew();
    await ScreenAsync(client, 0);
    Console.WriteLine($"Portal {client.BaseAddress}; model ready after {load.Elapsed.TotalSeconds:N1}s; {runs} runs of {count:N0} requests, concurrency {concurrency}.");
    for (var i = 0; i < 200; i++)
    {
        await ScreenAsync(client, i);
    }

    var p50 = new List<double>();
    var p95 = new List<double>();
    var p99 = new List<double>();
    var throughput = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var latencies = new double[count];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                await ScreenAsync(client, i);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        Array.Sort(latencies);
        p50.Add(Percentile(latencies, 0.50));
        p95.Add(Percentile(latencies, 0.95));
        p99.Add(Percentile(latencies, 0.99));
        throughput.Add(count / wall.Elapsed.TotalSeconds);
        Console.WriteLine($"  run {run + 1}: p50 {p50[^1]:N2} ms, p95 {p95[^1]:N2} ms, p99 {p99[^1]:N2} ms, {throughput[^1]:N0} requests/s");
    }

    BenchReport.Save("screening", [
        Summary("POST /api/screen latency p50 (loopback HTTP)", p50, "ms"),
        Summary("POST /api/screen latency p95 (loopback HTTP)", p95, "ms") with { Target = "< 100 ms" },
        Summary("POST /api/screen latency p99 (loopback HTTP)", p99, "ms"),
        Summary($"POST /api/screen throughput at concurrency {concurrency}", throughput, "requests/s"),
    ]);
    await app.StopAsync();
    return 0;
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

async Task ScreenAsync(HttpClient client, int i)
{
    var listing = listings[i % listings.Length];
    using var response = await client.PostAsJsonAsync("/api/screen", new { title = listing[0], description = listing[1], platform = "shop.example" });
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"screening answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    await response.Content.ReadAsByteArrayAsync();
}

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static Figure Summary(string name, List<double> values, string unit)
{
    var ordered = values.Order().ToList();
    return new Figure("screening", name, Math.Round(ordered[ordered.Count / 2], 2), unit, Math.Round(ordered[0], 2), Math.Round(ordered[^1], 2), ordered.Count);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
