using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Store;

public enum StoreProvider
{
    Sqlite,
    MongoDb,
}

/// <summary>
/// Settings of the store (section <c>Store</c>, environment <c>Store__Provider</c>, <c>Store__SqlitePath</c>,
/// <c>Store__MongoUri</c> or <c>MONGODB_URI</c>, <c>Store__MongoDatabase</c>).
/// </summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>The environment variable read when <see cref="MongoUri"/> is not configured.</summary>
    public const string MongoUriVariable = "MONGODB_URI";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Path of the embedded database file; relative paths are taken from the working directory.</summary>
    [Required]
    public string SqlitePath { get; set; } = Path.Combine("var", "pipeline.db");

    /// <summary>MongoDB connection string; when empty, <c>MONGODB_URI</c> is used.</summary>
    public string? MongoUri { get; set; }

    [Required]
    public string MongoDatabase { get; set; } = "wildlife-watch";

    /// <summary>
    /// Days to keep the raw artifacts of captures that raised no alert; 0 keeps them for ever. Alerted evidence
    /// is never purged automatically, whatever this says.
    /// </summary>
    [Range(0, 36_500)]
    public int RawCaptureRetentionDays { get; set; }

    /// <summary>How often the retention sweep runs when retention is on.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>Makes the stores of one provider; the SQLite one is built in, others come from their own package.</summary>
public interface IPipelineStoreFactory
{
    StoreProvider Provider { get; }

    IPipelineStore Create(StoreOptions options);
}
