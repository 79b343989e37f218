using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Store.Sqlite;

/// <summary>
/// One SQL statement prepared once and run many times in a transaction: bulk writes reuse it per row,
/// which is what keeps a million-listing import at tens of thousands of rows a second.
/// </summary>
internal sealed class Statement : IAsyncDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public Statement(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _command.Transaction = transaction;
        _parameters = names.Select(n => _command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
    }

    public Task<int> ExecuteAsync(CancellationToken ct, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    private void Bind(object?[] values)
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

internal sealed class CaptureInsert(SqliteConnection c, SqliteTransaction tx) : IAsyncDisposable
{
    // OR IGNORE: a capture is evidence and is never overwritten; a redelivery of the same fetch changes nothing.
    private readonly Statement _insert = new(c, tx,
        """
        INSERT OR IGNORE INTO captures(id, crawl_id, seed_id, url, normalized_url, final_url, http_status, depth, started_at, captured_at,
            html_sha256, text_sha256, screenshot_sha256, manifest_sha256)
        VALUES ($id, $crawl, $seed, $url, $norm, $final, $status, $depth, $started, $captured, $html, $text, $shot, $manifest);
        """,
        "$id", "$crawl", "$seed", "$url", "$norm", "$final", "$status", "$depth", "$started", "$captured", "$html", "$text", "$shot", "$manifest");

    public async Task<bool> RunAsync(Capture k, CancellationToken ct) =>
        await _insert.ExecuteAsync(ct, k.Id, k.CrawlId, k.SeedId, k.Url, k.NormalizedUrl, k.FinalUrl, k.HttpStatus, k.Depth,
            SqlitePipelineStore.Time(k.StartedAt), SqlitePipelineStore.Time(k.CapturedAt), k.HtmlSha256, k.TextSha256, k.ScreenshotSha256, k.ManifestSha256) == 1;

    public ValueTask DisposeAsync() => _insert.DisposeAsync();
}

internal sealed class ListingInsert(SqliteConnection c, SqliteTransaction tx) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Statement _insert = new(c, tx,
        """
        INSERT OR IGNORE INTO listings(id, crawl_id, capture_id, url, title, description, price, currency, seller, image_urls_json, lexicon_hits_json,
            extracted_at, platform, country)
        VALUES ($id, $crawl, $capture, $url, $title, $desc, $price, $currency, $seller, $images, $hits, $at, $platform, $country);
        """,
        "$id", "$crawl", "$capture", "$url", "$title", "$desc", "$price", "$currency", "$seller", "$images", "$hits", "$at", "$platform", "$country");

    private readonly Statement _species = new(c, tx,
        "INSERT OR IGNORE INTO listing_species(listing_id, species_group, score) VALUES ($id, $species, NULL);", "$id", "$species");

    private readonly Statement _extracted = new(c, tx,
        "UPDATE captures SET extracted_at = COALESCE(extracted_at, $now) WHERE id = $id;", "$now", "$id");

    public async Task<bool> RunAsync(Listing l, CancellationToken ct)
    {
        var inserted = await _insert.ExecuteAsync(ct, l.Id, l.CrawlId, l.CaptureId, l.Url, l.Title, l.Description,
            l.Price?.ToString(CultureInfo.InvariantCulture), l.Currency, l.Seller,
            JsonSerializer.Serialize(l.ImageUrls, Json), JsonSerializer.Serialize(l.LexiconHits, Json),
            SqlitePipelineStore.Time(l.ExtractedAt), ListingFacts.Platform(l.Url), l.Country) == 1;
        if (inserted)
        {
            foreach (var species in ListingFacts.SpeciesGroups(l.LexiconHits))
            {
                await _species.ExecuteAsync(ct, l.Id, species);
            }
        }

        return inserted;
    }

    public Task MarkExtractedAsync(string captureId, CancellationToken ct) =>
        _extracted.ExecuteAsync(ct, SqlitePipelineStore.Time(DateTimeOffset.UtcNow), captureId);

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _species.DisposeAsync();
        await _extracted.DisposeAsync();
    }
}

internal sealed class ScoreInsert(SqliteConnection c, SqliteTransaction tx) : IAsyncDisposable
{
    private readonly Statement _insert = new(c, tx,
        """
        INSERT OR IGNORE INTO scores(listing_id, model_version, crawl_id, value, scored_at, product_type, reasons_json)
        VALUES ($listing, $model, $crawl, $value, $at, $product, $reasons);
        """,
        "$listing", "$model", "$crawl", "$value", "$at", "$product", "$reasons");

    // The listing carries its latest score (by time, then model version) so that the portal query is one index range.
    private readonly Statement _latest = new(c, tx,
        """
        UPDATE listings SET score = $value, score_model = $model, score_at = $at
        WHERE id = $listing AND (score_at IS NULL OR score_at < $at OR (score_at = $at AND score_model < $model));
        """,
        "$value", "$model", "$at", "$listing");

    private readonly Statement _species = new(c, tx,
        "UPDATE listing_species SET score = $value WHERE listing_id = $listing;", "$value", "$listing");

    public async Task<bool> RunAsync(Score s, CancellationToken ct)
    {
        var at = SqlitePipelineStore.Time(s.ScoredAt);
        if (await _insert.ExecuteAsync(ct, s.ListingId, s.ModelVersion, s.CrawlId, s.Value, at, s.ProductType, s.ReasonsJson) != 1)
        {
            return false;
        }

        if (await _latest.ExecuteAsync(ct, s.Value, s.ModelVersion, at, s.ListingId) == 1)
        {
            await _species.ExecuteAsync(ct, s.Value, s.ListingId);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _latest.DisposeAsync();
        await _species.DisposeAsync();
    }
}
