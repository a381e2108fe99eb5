using StackExchange.Redis;

namespace SessionGrains.Benchmarks;

/// <summary>The memory a Redis server reports (INFO memory), and the removal of one benchmark run's keys.</summary>
public sealed class RedisMemory : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly string _serviceId;

    private RedisMemory(ConnectionMultiplexer connection, string serviceId)
    {
        _connection = connection;
        _serviceId = serviceId;
    }

    public static async Task<RedisMemory> ConnectAsync(string configuration, string serviceId)
        => new(await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true"), serviceId);

    /// <summary>used_memory, in bytes.</summary>
    public async Task<long> UsedMemoryAsync()
    {
        var info = await _connection.GetServers()[0].InfoAsync("memory");
        return long.Parse(info.SelectMany(g => g).Single(p => p.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Deletes every key of this run's ServiceId; the count deleted.</summary>
    public async Task<long> DeleteRunKeysAsync()
    {
        var database = _connection.GetDatabase();
        long deleted = 0;
        await foreach (var key in _connection.GetServers()[0].KeysAsync(pattern: _serviceId + "/*", pageSize: 1000))
        {
            deleted += await database.KeyDeleteAsync(key) ? 1 : 0;
        }

        return deleted;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
