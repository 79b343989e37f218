using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;
using WildlifeWatch.Store.Sqlite;

// Writes N listings (with their captures and scores) into a fresh SQLite store through IPipelineStore's bulk methods,
// then times the portal's list query: first page and random deep pages reached by keyset cursor.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Store -- [--count N] [--batch N] [--pages N] [--max-seconds N] [--db PATH]
var options = Options.Parse(args);
var directory = options.Db is null ? Path.Combine(Path.GetTempPath(), "wtw-bench-" + Guid.NewGuid().ToString("N")) : null;
var dbPath = options.Db ?? Path.Combine(directory!, "pipeline.db");
string[] species = ["elephants", "rhinos", "pangolins", "big-cats", "reptiles", "birds", "primates", "corals"];
var random = new Random(42);
var scores = new double[options.Count];
var speciesOf = new byte[options.Count];

try
{
    using var store = new SqlitePipelineStore(dbPath);
    await store.InitializeAsync();
    Console.WriteLine($"SQLite store {dbPath}; writing {options.Count:N0} listings in batches of {options.Batch:N0} (captures, listings, scores).");
    await store.CreateCrawlAsync(new Crawl("bench", DateTimeOffset.UtcNow, "{}"));
    var html = await store.PutArtifactAsync("<html>listing</html>"u8.ToArray(), "text/html");
    var text = await store.PutArtifactAsync("listing"u8.ToArray(), "text/plain");
    var shot = await store.PutArtifactAsync(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png");
    var manifest = await store.PutArtifactAsync("{}"u8.ToArray(), "application/json");
    var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    var insert = Stopwatch.StartNew();
    var written = 0;
    var nextReport = options.Count / 20;
    while (written < options.Count)
    {
        if (insert.Elapsed.TotalSeconds > options.MaxSeconds)
        {
            Console.WriteLine($"  time box of {options.MaxSeconds}s reached; stopping the import at {written:N0} listings.");
            break;
        }

        var n = Math.Min(options.Batch, options.Count - written);
        var captures = new List<Capture>(n);
        var listings = new List<Listing>(n);
        var batchScores = new List<Score>(n);
        for (var i = written; i < written + n; i++)
        {
            var id = $"l{i:D8}";
            var url = $"https://shop{i % 40}.example/item/{i}";
            var at = t0.AddSeconds(i);
            speciesOf[i] = (byte)random.Next(species.Length);
            scores[i] = Math.Round(random.NextDouble(), 4); // rounded: plenty of ties, as a real model's scores have
            captures.Add(new Capture("cap" + id, "bench", "seed", url, url, url, 200, 1, at, at, html, text, shot, manifest));
            listings.Add(new Listing(id, "bench", "cap" + id, url, "Listing " + i, "Description of listing " + i, 10m + (i % 500), "USD",
                "seller-" + (i % 50_000), [],
                [new LexiconHit("term", "en", "Taxon", "II", species[speciesOf[i]], "product", false, 0, 4)], at)
            {
                Country = (i % 7) switch { 0 => "KE", 1 => "VN", 2 => "CN", 3 => "NG", _ => null },
            });
            batchScores.Add(new Score(id, "bench", "m1", scores[i], at));
        }

        await store.AddCapturesAsync(captures);
        await store.AddListingsAsync(listings);
        await store.AddScoresAsync(batchScores);
        written += n;
        if (written >= nextReport || written == options.Count)
        {
            Console.WriteLine($"  {written,12:N0} listings  {written / insert.Elapsed.TotalSeconds,10:N0} listings/s  {insert.Elapsed.TotalSeconds,7:N1}s");
            nextReport += options.Count / 20;
        }
    }

    insert.Stop();
    var rate = written / insert.Elapsed.TotalSeconds;
    Console.WriteLine($"Inserted {written:N0} listings (+ as many captures and scores) in {insert.Elapsed.TotalSeconds:N1}s: {rate:N0} listings/s.");

    // The portal's list query: high-scoring listings of one species, newest model's score first.
    const string target = "elephants";
    const double minScore = 0.5;
    var targetIndex = (byte)Array.IndexOf(species, target);
    var expected = Enumerable.Range(0, written).Where(i => speciesOf[i] == targetIndex && scores[i] >= minScore)
        .Select(i => (Score: scores[i], Id: $"l{i:D8}"))
        .OrderByDescending(r => r.Score).ThenBy(r => r.Id, StringComparer.Ordinal)
        .ToArray();
    Console.WriteLine($"Query: species={target}, score>={minScore}, page size {options.PageSize}: {expected.Length:N0} matching listings.");

    var query = new ListingQuery { SpeciesGroup = target, MinScore = minScore, PageSize = options.PageSize };
    await store.QueryListingsAsync(query); // warm the connection pool and the statement cache
    var first = new List<double>();
    for (var i = 0; i < 50; i++)
    {
        var sw = Stopwatch.StartNew();
        var page = await store.QueryListingsAsync(query);
        first.Add(sw.Elapsed.TotalMilliseconds);
        Check(page, 0);
    }

    var deep = new List<double>();
    for (var i = 0; i < options.Pages && expected.Length > options.PageSize; i++)
    {
        // A cursor is what the previous page returned: the (score, id) of its last row.
        var position = random.Next(expected.Length - options.PageSize);
        var cursor = ListingCursor.Encode(expected[position].Score, expected[position].Id);
        var sw = Stopwatch.StartNew();
        var page = await store.QueryListingsAsync(query with { Cursor = cursor });
        deep.Add(sw.Elapsed.TotalMilliseconds);
        Check(page, position + 1);
        if ((i + 1) % 50 == 0)
        {
            Console.WriteLine($"  {i + 1} deep pages");
        }
    }

    var platform = new List<double>();
    for (var i = 0; i < 50; i++)
    {
        var sw = Stopwatch.StartNew();
        await store.QueryListingsAsync(new ListingQuery { Platform = "shop7.example", Country = "VN", MinScore = 0.9, PageSize = options.PageSize });
        platform.Add(sw.Elapsed.TotalMilliseconds);
    }

    var firstP95 = Report("first page", first);
    var deepP95 = Report($"deep pages ({deep.Count} random positions, by cursor)", deep);
    var platformP95 = Report("platform+country+score first page", platform);
    var sizeMiB = new FileInfo(dbPath).Length / 1024.0 / 1024.0;
    Console.WriteLine($"Database size: {sizeMiB:N0} MiB");
    BenchReport.Save("store", [
        new Figure("store", $"SQLite import of {written:N0} listings (+ captures, scores)", Math.Round(rate), "listings/s"),
        new Figure("store", "list query p95, first page (species + score)", Math.Round(firstP95, 2), "ms"),
        new Figure("store", "list query p95, deep pages by cursor", Math.Round(deepP95, 2), "ms"),
        new Figure("store", "list query p95, platform + country + score", Math.Round(platformP95, 2), "ms"),
        new Figure("store", $"database size at {written:N0} listings", Math.Round(sizeMiB), "MiB"),
    ]);

    void Check(ListingPage page, int from)
    {
        var want = expected.Skip(from).Take(options.PageSize).Select(r => r.Id);
        if (!page.Items.Select(x => x.Listing.Id).SequenceEqual(want))
        {
            throw new InvalidOperationException($"The page at position {from} is not the expected one.");
        }
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    if (directory is not null && !options.Keep)
    {
        Directory.Delete(directory, recursive: true);
    }
}

static double Report(string name, List<double> ms)
{
    ms.Sort();
    double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-55} n={ms.Count,4}  p50 {P(0.50),7:F2} ms  p95 {P(0.95),7:F2} ms  max {ms[^1],7:F2} ms"));
    return P(0.95);
}

internal sealed record Options(int Count, int Batch, int Pages, int PageSize, int MaxSeconds, string? Db, bool Keep)
{
    public static Options Parse(string[] args)
    {
        var o = new Options(1_000_000, 10_000, 200, 50, 1200, null, false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--count" => o with { Count = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--batch" => o with { Batch = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--pages" => o with { Pages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--page-size" => o with { PageSize = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--max-seconds" => o with { MaxSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--db" => o with { Db = Next() },
                "--keep" => o with { Keep = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --count, --batch, --pages, --page-size, --max-seconds, --db, --keep."),
            };
        }

        return o;
    }
}
