using SessionGrains.Hosting;
using SessionGrains.Server;
using SessionGrains.Tests.Shared;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The expiry index contract on Redis (redis-server with the append-only file), its layout, and what an entry costs.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisExpiryIndexTests(RedisFixture redis, ITestOutputHelper output) : ExpiryIndexContract, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<RedisSessionExpiryIndex> _indexes = [];

    protected override Task<ISessionExpiryIndex> CreateIndexAsync(string serviceId) => Task.FromResult<ISessionExpiryIndex>(Open(serviceId));

    [Fact]
    public async Task An_entry_is_its_key_in_its_kind_and_shard_sorted_set_scored_in_unix_milliseconds_rounded_up()
    {
        var serviceId = NewServiceId();
        var index = Open(serviceId);
        var id = SessionTestSilo.NewSessionId();
        var dueAt = T0.AddTicks(1); // between two milliseconds
        await index.SetAsync(new(SessionExpiryEntryKind.Session, 5, id, dueAt), null);
        await index.SetAsync(new(SessionExpiryEntryKind.UserIndex, 5, "ada", dueAt), null);

        var database = redis.Connection.GetDatabase();
        var score = T0.ToUnixTimeMilliseconds() + 1;
        Assert.Equal(score, await database.SortedSetScoreAsync($"{serviceId}/expiry/session/5", id));
        Assert.Equal(score, await database.SortedSetScoreAsync($"{serviceId}/expiry/user/5", "ada"));
        Assert.Equal([$"{serviceId}/expiry/session/5", $"{serviceId}/expiry/user/5"], await KeysAsync(serviceId));
        Assert.Empty(await index.ReadDueAsync(SessionExpiryEntryKind.Session, 5, dueAt, 10)); // never due before its time
        Assert.Equal([new SessionExpiryEntry(SessionExpiryEntryKind.Session, 5, id, DateTimeOffset.FromUnixTimeMilliseconds(score))],
            await index.ReadDueAsync(SessionExpiryEntryKind.Session, 5, dueAt.AddMilliseconds(1), 10));

        await index.RemoveAsync(new(SessionExpiryEntryKind.Session, 5, id, null)); // the key alone finds the member
        await index.RemoveAsync(new(SessionExpiryEntryKind.UserIndex, 5, "ada", null));
        Assert.Empty(await KeysAsync(serviceId)); // Redis drops an empty sorted set
    }

    [Theory]
    [InlineData(100)] // a shard this small is one listpack
    [InlineData(20_000)] // a real shard: a skiplist and a hash table
    public async Task Bytes_per_entry(int entries)
    {
        var serviceId = NewServiceId();
        var index = Open(serviceId);
        foreach (var chunk in Enumerable.Range(0, entries).Chunk(500))
        {
            await Task.WhenAll(chunk.Select(i =>
                index.SetAsync(new(SessionExpiryEntryKind.Session, 0, SessionTestSilo.NewSessionId(), T0.AddSeconds(i)), null)));
        }

        var key = RedisSessionExpiryIndex.ShardKey(serviceId, SessionExpiryEntryKind.Session, 0);
        var database = redis.Connection.GetDatabase();
        var bytes = (long)await database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        var encoding = (string?)await database.ExecuteAsync("OBJECT", "ENCODING", key);
        var perEntry = bytes / (double)entries;
        output.WriteLine($"{entries} entries of 32-character session IDs in one shard ({encoding}): {bytes} B, {perEntry:F1} B an entry");
        Assert.Equal(entries, (await index.ReadDueAsync(SessionExpiryEntryKind.Session, 0, DateTimeOffset.MaxValue, entries + 1)).Count);
        await database.KeyDeleteAsync(key);
        Assert.InRange(perEntry, 32, 160); // the 32-byte member, its score and Redis's own structures
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var index in _indexes)
        {
            await index.DisposeAsync();
        }
    }

    private static string NewServiceId() => "ix-" + Guid.NewGuid().ToString("N")[..8];

    private RedisSessionExpiryIndex Open(string serviceId)
    {
        var index = new RedisSessionExpiryIndex(redis.ConnectionString, serviceId);
        _indexes.Add(index);
        return index;
    }

    private async Task<string[]> KeysAsync(string serviceId)
    {
        var keys = new List<string>();
        await foreach (var key in redis.Connection.GetServers()[0].KeysAsync(pattern: $"{serviceId}/*"))
        {
            keys.Add(key.ToString());
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }
}
