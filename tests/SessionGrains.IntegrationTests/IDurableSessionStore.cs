using SessionGrains.Hosting;

namespace SessionGrains.IntegrationTests;

/// <summary>A real durable store under test: the cluster settings that use it, and what it holds of one grain.</summary>
public interface IDurableSessionStore
{
    /// <summary>Grain storage and reminders (and their connection string) on this store, for <paramref name="serviceId"/>.</summary>
    SessionClusterOptions Settings(string serviceId);

    /// <summary>The grain-state records whose key names <paramref name="key"/> (a session ID or user).</summary>
    Task<int> CountRecordsAsync(SessionClusterOptions settings, string key);

    /// <summary>The reminders of the grain named <paramref name="key"/>.</summary>
    Task<int> CountRemindersAsync(SessionClusterOptions settings, string key);

    /// <summary>The bytes the store holds for the record of <paramref name="key"/> (its row, blob or hash values).</summary>
    Task<long> StoredBytesAsync(SessionClusterOptions settings, string key);

    /// <summary>The expiry index entries naming <paramref name="key"/>, read from the store itself.</summary>
    Task<int> CountIndexEntriesAsync(SessionClusterOptions settings, string key);
}
