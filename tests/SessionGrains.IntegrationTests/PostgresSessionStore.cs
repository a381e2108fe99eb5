using SessionGrains.Hosting;

namespace SessionGrains.IntegrationTests;

/// <summary>AdoNet grain storage and reminders on the tests' PostgreSQL.</summary>
public sealed class PostgresSessionStore(PostgresFixture postgres) : IDurableSessionStore
{
    public SessionClusterOptions Settings(string serviceId) => new()
    {
        GrainStorage = GrainStorageProvider.AdoNet,
        Reminders = ReminderProvider.AdoNet,
        AdoNetConnectionString = postgres.ConnectionString,
        ServiceId = serviceId,
    };

    public Task<int> CountRecordsAsync(SessionClusterOptions settings, string key)
        => postgres.CountAsync("SELECT count(*) FROM sessiongrains_storage WHERE service_id = @service AND strpos(grain_key, @key) > 0",
            ("service", settings.ServiceId), ("key", key));

    public Task<int> CountRemindersAsync(SessionClusterOptions settings, string key)
        => postgres.CountAsync("SELECT count(*) FROM sessiongrains_reminders WHERE service_id = @service AND strpos(grain_id, @key) > 0",
            ("service", settings.ServiceId), ("key", key));

    public Task<int> CountIndexEntriesAsync(SessionClusterOptions settings, string key)
        => postgres.CountAsync("SELECT count(*) FROM sessiongrains_expiry WHERE service_id = @service AND grain_key = @key",
            ("service", settings.ServiceId), ("key", key));

    public async Task<long> StoredBytesAsync(SessionClusterOptions settings, string key)
        => await postgres.CountAsync("SELECT coalesce(sum(pg_column_size(s.*)), 0) FROM sessiongrains_storage s WHERE service_id = @service AND strpos(grain_key, @key) > 0",
            ("service", settings.ServiceId), ("key", key));
}
