using SessionGrains.Hosting;
using StackExchange.Redis;

namespace SessionGrains.IntegrationTests;

/// <summary>Redis grain storage and reminders on the tests' redis-server.</summary>
public sealed class RedisSessionStore(RedisFixture redis) : IDurableSessionStore
{
    public SessionClusterOptions Settings(string serviceId) => new()
    {
        GrainStorage = GrainStorageProvider.Redis,
        Reminders = ReminderProvider.Redis,
        RedisConnectionString = redis.ConnectionString,
        ServiceId = serviceId,
    };

    public async Task<int> CountRecordsAsync(SessionClusterOptions settings, string key)
    {
        var server = redis.Connection.GetServers()[0];
        var count = 0;
        await foreach (var _ in server.KeysAsync(pattern: $"{settings.ServiceId}/state/*{key}*"))
        {
            count++;
        }

        return count;
    }

    public async Task<int> CountRemindersAsync(SessionClusterOptions settings, string key)
    {
        var members = await redis.Connection.GetDatabase().SortedSetRangeByRankAsync($"{settings.ServiceId}/reminders");
        return members.Count(m => m.ToString().Contains(key, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    /// <remarks>Its member in every kind's and shard's sorted set, whatever the shard count.</remarks>
    public async Task<int> CountIndexEntriesAsync(SessionClusterOptions settings, string key)
    {
        var server = redis.Connection.GetServers()[0];
        var count = 0;
        await foreach (var shard in server.KeysAsync(pattern: $"{settings.ServiceId}/expiry/*"))
        {
            count += await redis.Connection.GetDatabase().SortedSetScoreAsync(shard, key) is null ? 0 : 1;
        }

        return count;
    }

    public async Task<long> StoredBytesAsync(SessionClusterOptions settings, string key)
    {
        var server = redis.Connection.GetServers()[0];
        var bytes = 0L;
        await foreach (var stored in server.KeysAsync(pattern: $"{settings.ServiceId}/state/*{key}*"))
        {
            bytes += (await redis.Connection.GetDatabase().HashGetAllAsync(stored)).Sum(entry => (long)((byte[])entry.Name!).Length + ((byte[])entry.Value!).Length);
        }

        return bytes;
    }
}
