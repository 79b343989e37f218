using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Store;

public enum StoreProvider
{
    Sqlite,
    MongoDb,
}

/// <summary>Settings of the store (section <c>Store</c>, environment <c>Store__Provider</c>, <c>Store__SqlitePath</c>).</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Path of the embedded database file; relative paths are taken from the working directory.</summary>
    [Required]
    public string SqlitePath { get; set; } = Path.Combine("var", "pipeline.db");
}
