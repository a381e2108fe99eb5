namespace SessionGrains.Server;

/// <summary>A grain with an entry in the <see cref="ISessionExpiryIndex"/>; sweepers call it when the entry comes due.</summary>
internal interface IExpiryIndexedGrain : IGrainWithStringKey
{
    /// <summary>The entry came due: delete an ended record and its entry, or move the entry to the next check.</summary>
    Task CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt);
}
