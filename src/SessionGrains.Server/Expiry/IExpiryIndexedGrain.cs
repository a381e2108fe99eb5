namespace SessionGrains.Server;

/// <summary>A grain with an entry in the <see cref="ISessionExpiryIndex"/>; sweepers call it when the entry comes due.</summary>
internal interface IExpiryIndexedGrain : IGrainWithStringKey
{
    /// <summary>
    /// The entry in <paramref name="shard"/> due at <paramref name="indexedDueAt"/> came due: delete the record if it has
    /// ended and remove the entry, or move the entry to when it should be checked again, or remove it when no record is stored.
    /// </summary>
    Task CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt);
}
