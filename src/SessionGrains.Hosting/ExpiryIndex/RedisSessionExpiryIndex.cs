using System.Globalization;
using SessionGrains.Server;
using StackExchange.Redis;

namespace SessionGrains.Hosting;

/// <summary>
/// The expiry index of Redis grain storage, in the same Redis as the records: one sorted set per kind and shard,
/// <c>{ServiceId}/expiry/{session|user}/{shard}</c>, whose members are the grains' keys (UTF-8) scored by due time in
/// Unix milliseconds. A member is its key alone, so setting overwrites and removing needs no due time. One connection
/// per silo, opened on first use and closed with the silo's services.
/// </summary>
internal sealed class RedisSessionExpiryIndex : ISessionExpiryIndex, IAsyncDisposable, IDisposable
{
    private const long MaxScore = 253_402_300_799_999; // DateTimeOffset.MaxValue in Unix milliseconds

    private readonly ConfigurationOptions _configuration;
    private readonly string _serviceId;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;
    private volatile bool _disposed;

    public RedisSessionExpiryIndex(string connectionString, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _configuration = ConfigurationOptions.Parse(connectionString);
        _configuration.AbortOnConnectFail = false; // an unreachable Redis fails calls, and the connection keeps retrying
        _serviceId = serviceId;
    }

    /// <summary>The sorted set of <paramref name="kind"/>'s entries in <paramref name="shard"/> of <paramref name="serviceId"/>.</summary>
    public static string ShardKey(string serviceId, SessionExpiryEntryKind kind, int shard)
        => $"{serviceId}/expiry/{KindToken(kind)}/{shard.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The score of <paramref name="dueAt"/>: Unix milliseconds, rounded up so an entry never comes due before its time.</summary>
    public static long ScoreOf(DateTimeOffset dueAt)
    {
        var milliseconds = dueAt.ToUnixTimeMilliseconds();
        return dueAt.UtcTicks % TimeSpan.TicksPerMillisecond == 0 || milliseconds == MaxScore ? milliseconds : milliseconds + 1;
    }

    public async Task SetAsync(SessionExpiryEntry entry, DateTimeOffset? previousDueAt, CancellationToken cancellationToken = default)
    {
        var dueAt = entry.DueAt ?? throw new ArgumentException("An entry to set needs its due time.", nameof(entry));
        var database = await DatabaseAsync(cancellationToken);
        await database.SortedSetAddAsync(KeyOf(entry.Kind, entry.Shard), entry.Key, ScoreOf(dueAt)).WaitAsync(cancellationToken);
    }

    public async Task RemoveAsync(SessionExpiryEntry entry, CancellationToken cancellationToken = default)
    {
        var database = await DatabaseAsync(cancellationToken);
        await database.SortedSetRemoveAsync(KeyOf(entry.Kind, entry.Shard), entry.Key).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SessionExpiryEntry>> ReadDueAsync(
        SessionExpiryEntryKind kind, int shard, DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var database = await DatabaseAsync(cancellationToken);
        var due = await database.SortedSetRangeByScoreWithScoresAsync(
            KeyOf(kind, shard), double.NegativeInfinity, dueBy.ToUnixTimeMilliseconds(), take: limit).WaitAsync(cancellationToken);
        return Array.ConvertAll(due, e => new SessionExpiryEntry(kind, shard, e.Element.ToString(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score)));
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _connection, null)?.Dispose();
    }

    private static string KindToken(SessionExpiryEntryKind kind) => kind switch
    {
        SessionExpiryEntryKind.Session => "session",
        SessionExpiryEntryKind.UserIndex => "user",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An expiry entry kind this index does not know."),
    };

    private RedisKey KeyOf(SessionExpiryEntryKind kind, int shard) => ShardKey(_serviceId, kind, shard);

    private async ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _connection) is { } connected)
        {
            return connected.GetDatabase();
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connection ??= await ConnectionMultiplexer.ConnectAsync(_configuration);
            if (_disposed) // disposed while connecting
            {
                Interlocked.Exchange(ref _connection, null)?.Dispose();
                ObjectDisposedException.ThrowIf(true, this);
            }

            return connection.GetDatabase();
        }
        finally
        {
            _connecting.Release();
        }
    }
}
