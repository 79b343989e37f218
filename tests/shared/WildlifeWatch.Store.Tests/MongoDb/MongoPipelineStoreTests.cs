using MongoDB.Bson;
using MongoDB.Driver;
using WildlifeWatch.Store.MongoDb;

namespace WildlifeWatch.Store.Tests.MongoDb;

/// <summary>
/// The contract suite against a real MongoDB server named by <c>MONGODB_URI</c>; without one the whole fixture is
/// reported as skipped with the reason, never as passed. Each test gets its own database, dropped afterwards.
/// </summary>
[TestFixture]
[Category("MongoDb")]
public sealed class MongoPipelineStoreTests : PipelineStoreContractTests
{
    private string _uri = null!;
    private string? _databaseName;
#pragma warning disable NUnit1032 // Disposed in DisposeStoreAsync, which the base fixture's [TearDown] calls.
    private MongoPipelineStore? _store;
#pragma warning restore NUnit1032

    [OneTimeSetUp]
    public void RequireServer()
    {
        var uri = Environment.GetEnvironmentVariable(StoreOptions.MongoUriVariable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            Assert.Ignore($"{StoreOptions.MongoUriVariable} is not set: the MongoDB run of the store contract needs a server " +
                "(none can be installed on this machine); set MONGODB_URI=mongodb://host:27017 to run it.");
        }

        _uri = uri;
    }

    protected override Task<IPipelineStore> CreateStoreAsync()
    {
        _databaseName = "wtw-test-" + Guid.NewGuid().ToString("N");
        // No grace: the suite stores artifacts and purges within the same second.
        _store = new MongoPipelineStore(_uri, _databaseName) { ArtifactPurgeGrace = TimeSpan.Zero };
        return Task.FromResult<IPipelineStore>(_store);
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_store is not null && _databaseName is not null)
        {
            await _store.Database.Client.DropDatabaseAsync(_databaseName);
        }

        _store?.Dispose();
        _store = null;
    }

    protected override async Task FlipStoredByteAsync(string sha256, int index)
    {
        var fileId = await _store!.GetArtifactFileIdAsync(sha256) ?? throw new InvalidOperationException($"no artifact {sha256}");
        var chunks = _store.Database.GetCollection<BsonDocument>(MongoSchema.EvidenceBucket + ".chunks");
        var filter = Builders<BsonDocument>.Filter.Eq("files_id", fileId) & Builders<BsonDocument>.Filter.Eq("n", 0);
        var chunk = await chunks.Find(filter).SingleAsync();
        var data = chunk["data"].AsByteArray;
        data[index] ^= 0x01;
        var result = await chunks.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Set("data", new BsonBinaryData(data)));
        Assert.That(result.ModifiedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Initialize_records_the_schema_version_and_creates_the_unique_indexes()
    {
        var versions = await _store!.Database.GetCollection<BsonDocument>(MongoSchema.SchemaVersions).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        var frontierIndexes = await (await _store.Database.GetCollection<BsonDocument>(MongoSchema.Frontier).Indexes.ListAsync()).ToListAsync();

        Assert.That(versions.Select(v => v["_id"].ToInt32()).Order(), Is.EqualTo(Enumerable.Range(1, MongoSchema.Versions.Count)));
        Assert.That(MongoSchema.Versions, Is.EqualTo(Enumerable.Range(1, MongoSchema.Versions.Count)), "consecutive migration versions");
        Assert.That(frontierIndexes.Single(i => i["name"] == "ux_crawl_url")["unique"].ToBoolean(), Is.True);
    }
}
