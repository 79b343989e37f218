using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WildlifeWatch.Benchmarks;
using WildlifeWatch.Detection;
using WildlifeWatch.Detection.Contacts;
using WildlifeWatch.Extractor;

// Measures the extractor's throughput on one core, without a store or a network:
//  1. lexicon scan: the full embedded lexicon (one Aho-Corasick automaton) over a multilingual text of --mb megabytes,
//     as MB/s of UTF-8 input, with and without the text normalization that precedes it;
//  2. listings extracted per second: listing pages (JSON-LD + microdata + OpenGraph markup around multilingual texts)
//     through ListingExtractor alone, then with lexicon, contacts and language identification as the handler runs them.
// Usage: dotnet run -c Release --project benchmarks/WildlifeWatch.Benchmarks.Extraction -- [--mb N] [--seconds N]
var megabytes = Arg("--mb", 8);
var seconds = Arg("--seconds", 10);
var corpus = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "corpus", "listings.jsonl"))
    .Where(l => l.Length > 0)
    .Select(l => JsonSerializer.Deserialize<JsonElement>(l))
    .Select(e => (Title: e.GetProperty("title").GetString()!, Description: e.GetProperty("description").GetString()!))
    .ToList();
Console.WriteLine($"{corpus.Count} corpus listings; {Environment.ProcessorCount} cores; one thread per measure; time box {seconds}s each.");

var setup = Stopwatch.StartNew();
var matcher = LexiconMatcher.LoadDefault();
Console.WriteLine($"Lexicon: {matcher.Lexicon.Terms.Count:N0} terms, {matcher.TermCount:N0} distinct normalized, automaton built in {setup.Elapsed.TotalMilliseconds:N0} ms.");

// ---- 1. Lexicon scan throughput
var text = new StringBuilder();
for (var i = 0; Encoding.UTF8.GetByteCount(text.ToString()) < megabytes * 1_000_000 / 4 || text.Length < 1; i++)
{
    var (title, description) = corpus[i % corpus.Count];
    text.Append(title).Append('\n').Append(description).Append("\n\n");
}

var block = text.ToString();
var scanText = string.Concat(Enumerable.Repeat(block, 4));
var bytes = Encoding.UTF8.GetByteCount(scanText);
var normalized = TextNormalizer.Normalize(scanText);
var (hits, automaton) = Time(() => matcher.MatchNormalized(normalized).Count, seconds);
var (_, full) = Time(() => matcher.Match(scanText).Count, seconds);
Console.WriteLine($"Lexicon scan over {bytes / 1e6:N1} MB ({hits:N0} hits):");
Console.WriteLine($"  automaton only (normalized text):  {bytes / 1e6 / automaton.TotalSeconds,8:N1} MB/s");
Console.WriteLine($"  normalize + automaton:             {bytes / 1e6 / full.TotalSeconds,8:N1} MB/s");

// ---- 2. Listings extracted per second
var pages = corpus.Select((l, i) => ListingPages.Html(l.Title, l.Description, i)).ToList();
var extractor = new ListingExtractor();
var contacts = new ContactExtractor();
var languages = LanguageIdentifier.Default;
languages.Identify("warm up the language models");
var pageUrl = new Uri("https://market.example/item/1");

var extractedOnly = Rate(i => extractor.Extract(pages[i % pages.Count], pageUrl) is not null, seconds);
Console.WriteLine($"Listings extracted (HTML -> fields):                         {extractedOnly,10:N0} listings/s");
var enriched = Rate(i =>
{
    var listing = extractor.Extract(pages[i % pages.Count], pageUrl)!;
    var all = listing.Title + "\n" + listing.Description;
    return matcher.Match(all).Count + contacts.Extract(all, "US", pageUrl.Host).Count + (languages.Identify(all)?.Length ?? 0) >= 0;
}, seconds);
Console.WriteLine($"Listings extracted + lexicon + contacts + language:         {enriched,10:N0} listings/s");
BenchReport.Save("extract", [
    new Figure("extract", "lexicon scan, automaton only (full lexicon, one core)", Math.Round(bytes / 1e6 / automaton.TotalSeconds, 1), "MB/s"),
    new Figure("extract", "lexicon scan, normalize + automaton (one core)", Math.Round(bytes / 1e6 / full.TotalSeconds, 1), "MB/s"),
    new Figure("extract", "listings extracted, HTML -> fields (one core)", Math.Round(extractedOnly), "listings/s"),
    new Figure("extract", "listings extracted + lexicon + contacts + language (one core)", Math.Round(enriched), "listings/s"),
]);
return;

// Runs the action repeatedly for about the time box (at least 3 times) and returns the mean duration of one run.
static (T Result, TimeSpan PerRun) Time<T>(Func<T> action, int seconds)
{
    var result = action();
    var watch = Stopwatch.StartNew();
    var runs = 0;
    do
    {
        result = action();
        runs++;
    }
    while (watch.Elapsed.TotalSeconds < seconds && runs < 1000 || runs < 3);

    return (result, watch.Elapsed / runs);
}

static double Rate(Func<int, bool> perListing, int seconds)
{
    for (var i = 0; i < 50; i++)
    {
        perListing(i);
    }

    var watch = Stopwatch.StartNew();
    var count = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        if (!perListing(count))
        {
            throw new InvalidOperationException($"Page {count} was not extracted as a listing.");
        }

        count++;
    }

    return count / watch.Elapsed.TotalSeconds;
}

int Arg(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
