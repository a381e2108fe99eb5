using Npgsql;
using SessionGrains.Server;

namespace SessionGrains.Hosting;

/// <summary>
/// The expiry index of AdoNet (PostgreSQL) grain storage, in the same database as the records: the table
/// <c>sessiongrains_expiry</c> of <see cref="SessionDatabaseSchema"/>, one row per grain keyed by (service, kind, key),
/// read through its index on (service, kind, shard, due time). Due times are stored to the microsecond, rounded up so an
/// entry never comes due before its time. One connection pool per silo, closed with the silo's services.
/// </summary>
internal sealed class PostgresSessionExpiryIndex : ISessionExpiryIndex, IAsyncDisposable, IDisposable
{
    private const string SetSql = """
        INSERT INTO sessiongrains_expiry (service_id, kind, grain_key, shard, due_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (service_id, kind, grain_key) DO UPDATE SET shard = excluded.shard, due_at = excluded.due_at
        WHERE (sessiongrains_expiry.shard, sessiongrains_expiry.due_at) IS DISTINCT FROM (excluded.shard, excluded.due_at)
        """;

    private const string RemoveSql = "DELETE FROM sessiongrains_expiry WHERE service_id = $1 AND kind = $2 AND grain_key = $3 AND shard = $4";

    private const string ReadDueSql = """
        SELECT grain_key, due_at FROM sessiongrains_expiry
        WHERE service_id = $1 AND kind = $2 AND shard = $3 AND due_at <= $4
        ORDER BY due_at LIMIT $5
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;

    public PostgresSessionExpiryIndex(string connectionString, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _serviceId = serviceId;
    }

    /// <summary><paramref name="dueAt"/> as stored: UTC, rounded up to PostgreSQL's microsecond.</summary>
    public static DateTime StoredDueTime(DateTimeOffset dueAt)
    {
        var ticks = dueAt.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerMicrosecond;
        if (remainder != 0 && ticks <= DateTime.MaxValue.Ticks - TimeSpan.TicksPerMicrosecond)
        {
            ticks += TimeSpan.TicksPerMicrosecond - remainder;
        }

        return new DateTime(ticks, DateTimeKind.Utc);
    }

    public async Task SetAsync(SessionExpiryEntry entry, DateTimeOffset? previousDueAt, CancellationToken cancellationToken = default)
    {
        var dueAt = entry.DueAt ?? throw new ArgumentException("An entry to set needs its due time.", nameof(entry));
        await using var command = _dataSource.CreateCommand(SetSql);
        AddKey(command, entry.Kind, entry.Key);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.Shard });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = StoredDueTime(dueAt) });
        await ExecuteAsync(command, cancellationToken);
    }

    public async Task RemoveAsync(SessionExpiryEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(RemoveSql);
        AddKey(command, entry.Kind, entry.Key);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.Shard }); // a moved entry's old shard holds nothing of it
        await ExecuteAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<SessionExpiryEntry>> ReadDueAsync(
        SessionExpiryEntryKind kind, int shard, DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = _dataSource.CreateCommand(ReadDueSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)kind });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = shard });
        // Stored times are whole microseconds: the last one at or before dueBy is dueBy truncated.
        var dueByTicks = dueBy.UtcTicks - dueBy.UtcTicks % TimeSpan.TicksPerMicrosecond;
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = new DateTime(dueByTicks, DateTimeKind.Utc) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var due = new List<SessionExpiryEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new SessionExpiryEntry(kind, shard, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            return due;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw MissingTable(exception);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private void AddKey(NpgsqlCommand command, SessionExpiryEntryKind kind, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
    }

    private static async Task ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw MissingTable(exception);
        }
    }

    // Databases set up before the index have no table until the schema is applied again.
    private static InvalidOperationException MissingTable(PostgresException exception) => new(
        "The table sessiongrains_expiry is missing: apply SessionGrains' schema again after upgrading "
        + "(SessionGrains.Silo setup-database, or SessionDatabaseSchema.ApplyAsync).", exception);
}
