using System.Globalization;
using WildlifeWatch.Store;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline show</c>: one listing as an investigator reviews it, with its evidence hashes; the view is audited.</summary>
internal static class ShowCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "db", "listing" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var id = line.String("listing") ?? throw new UsageException("'show' needs --listing ID.");
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var store = access.Store;
        var listing = await store.GetListingAsync(id, ct) ?? throw new UsageException($"The store ({access.Description}) has no listing '{id}'.");
        var scores = await store.GetScoreHistoryAsync(id, ct);
        // The page's one alert, also when another capture of it (an earlier crawl) raised it.
        var alert = await store.GetAlertOfListingAsync(id, ct);
        var capture = await store.GetCaptureAsync(listing.CaptureId, ct);

        var price = listing.Price is { } p ? $"{p.ToString(CultureInfo.InvariantCulture)} {listing.Currency}" : "–";
        Console.WriteLine($"""
            Listing   {listing.Id}  (crawl {listing.CrawlId})
            URL       {listing.Url}
            Title     {listing.Title}
            Price     {price}
            Seller    {listing.Seller ?? "–"}
            Country   {listing.Country ?? "–"}
            """);
        Console.WriteLine($"Description\n  {listing.Description.ReplaceLineEndings("\n  ")}");
        Console.WriteLine("Lexicon hits");
        foreach (var hit in listing.LexiconHits)
        {
            var kind = hit.Negative ? "decoy context" : $"{hit.Taxon}, CITES App. {hit.CitesAppendix}, {hit.SpeciesGroup}, {hit.ProductType}";
            Console.WriteLine($"  \"{hit.Term}\" ({hit.Language}) at {hit.Start}: {kind}");
        }

        Console.WriteLine("Scores");
        foreach (var score in scores)
        {
            Console.WriteLine($"  {score.Value:0.000}  model {score.ModelVersion}  {score.ScoredAt:u}");
        }

        Console.WriteLine(alert is null ? "Alert     none" : $"Alert     {alert.Severity} ({alert.SpeciesGroup}, score {alert.Score:0.000} ≥ {alert.Threshold:0.00}) raised {alert.RaisedAt:u}{(alert.UpdatedAt is { } updated ? $", updated {updated:u} (revision {alert.Revision}, model {alert.ModelVersion})" : string.Empty)}");
        if (capture is not null)
        {
            Console.WriteLine($"""
                Evidence  capture {capture.Id}, HTTP {capture.HttpStatus}, captured {capture.CapturedAt:u}{(capture.PurgedAt is { } purged ? $", raw artifacts purged {purged:u}" : string.Empty)}
                  final URL   {capture.FinalUrl}
                  html        sha256 {capture.HtmlSha256}
                  text        sha256 {capture.TextSha256}
                  screenshot  sha256 {capture.ScreenshotSha256}
                  manifest    sha256 {capture.ManifestSha256}
                """);
        }

        await store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "view", id, "pipeline show", DateTimeOffset.UtcNow), ct);
        return ExitCodes.Ok;
    }
}
