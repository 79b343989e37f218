using System.Globalization;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>
/// The filters of the alert and listing lists as the query string carries them. Parsing is strict (a bad value is an
/// error, not silently dropped) and a platform partner's platform always overrides whatever platform was asked for.
/// </summary>
public sealed record ListingFilter
{
    public double? MinScore { get; init; }
    public string? Species { get; init; }
    public string? Platform { get; init; }
    public string? Country { get; init; }
    public string? Seller { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? Until { get; init; }

    /// <summary>"removed", "live" or null for both.</summary>
    public string? Status { get; init; }

    public string? Cursor { get; init; }

    /// <summary>True when <paramref name="cursor"/> is null or a listing-query cursor.</summary>
    public static bool IsListingCursor(string? cursor)
    {
        if (cursor is null)
        {
            return true;
        }

        try
        {
            ListingCursor.Decode(cursor);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static bool TryParse(IQueryCollection query, string? partnerPlatform, out ListingFilter filter, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        filter = new ListingFilter();
        error = null;
        string? Text(string key) => query[key].ToString() is { Length: > 0 } v ? v.Trim() : null;

        double? min = null;
        if (Text("minScore") is { } minText)
        {
            if (!double.TryParse(minText, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || m is < 0 or > 1)
            {
                error = "minScore must be a number from 0 to 1.";
                return false;
            }

            min = m;
        }

        DateTimeOffset? from = null, until = null;
        foreach (var (key, set) in new (string, Action<DateTimeOffset>)[] { ("from", d => from = d), ("until", d => until = d) })
        {
            if (Text(key) is not { } dateText)
            {
                continue;
            }

            if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                error = $"{key} must be a date (YYYY-MM-DD).";
                return false;
            }

            set(date);
        }

        var status = Text("status");
        if (status is not (null or "removed" or "live" or "all"))
        {
            error = "status must be removed, live or all.";
            return false;
        }

        // The cursor's format belongs to the list that made it; each list checks its own.
        var cursor = Text("cursor");
        filter = new ListingFilter
        {
            MinScore = min,
            Species = Text("species"),
            Platform = partnerPlatform ?? Text("platform"),
            Country = Text("country")?.ToUpperInvariant(),
            Seller = Text("seller"),
            From = from,
            Until = until,
            Status = status == "all" ? null : status,
            Cursor = cursor,
        };
        return true;
    }

    public ListingQuery ToQuery(int pageSize) => new()
    {
        MinScore = MinScore,
        SpeciesGroup = Species,
        Platform = Platform,
        Country = Country,
        Seller = Seller,
        From = From,
        // "Until" names a day: the whole day is in.
        Until = Until?.AddDays(1),
        Removed = Status switch { "removed" => true, "live" => false, _ => null },
        Cursor = Cursor,
        PageSize = pageSize,
    };

    /// <summary>The query string of these filters with another cursor (null: the first page).</summary>
    public string QueryString(string? cursor)
    {
        var parts = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(new(key, value));
            }
        }

        Add("minScore", MinScore?.ToString(CultureInfo.InvariantCulture));
        Add("species", Species);
        Add("platform", Platform);
        Add("country", Country);
        Add("seller", Seller);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("until", Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("status", Status);
        Add("cursor", cursor);
        return Microsoft.AspNetCore.Http.QueryString.Create(parts).ToString();
    }
}
