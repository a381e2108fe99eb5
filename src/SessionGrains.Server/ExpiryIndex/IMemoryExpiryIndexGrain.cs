namespace SessionGrains.Server;

/// <summary>One shard of one kind of the in-memory expiry index (key "{kind}/{shard}"); see <see cref="MemorySessionExpiryIndex"/>.</summary>
internal interface IMemoryExpiryIndexGrain : IGrainWithStringKey
{
    Task SetAsync(string key, DateTimeOffset dueAt);

    Task RemoveAsync(string key);

    [Orleans.Concurrency.ReadOnly]
    Task<SessionExpiryEntry[]> ReadDueAsync(DateTimeOffset dueBy, int limit);
}
