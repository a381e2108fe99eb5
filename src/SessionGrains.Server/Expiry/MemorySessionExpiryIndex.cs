namespace SessionGrains.Server;

/// <summary>
/// The expiry index of memory storage: each shard is a grain holding its entries in memory
/// (<see cref="MemoryExpiryIndexGrain"/>), as Orleans' in-memory reminder table is. Like the records, entries are lost
/// when the silo holding them stops.
/// </summary>
internal sealed class MemorySessionExpiryIndex(IGrainFactory grains) : ISessionExpiryIndex
{
    public Task SetAsync(SessionExpiryEntry entry, DateTimeOffset? previousDueAt, CancellationToken cancellationToken = default)
        => Shard(entry.Kind, entry.Shard).SetAsync(entry.Key, entry.DueAt ?? throw new ArgumentException("An entry to set needs its due time.", nameof(entry)));

    public Task RemoveAsync(SessionExpiryEntry entry, CancellationToken cancellationToken = default)
        => Shard(entry.Kind, entry.Shard).RemoveAsync(entry.Key);

    public async Task<IReadOnlyList<SessionExpiryEntry>> ReadDueAsync(
        SessionExpiryEntryKind kind, int shard, DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
        => await Shard(kind, shard).ReadDueAsync(dueBy, limit);

    private IMemoryExpiryIndexGrain Shard(SessionExpiryEntryKind kind, int shard)
        => grains.GetGrain<IMemoryExpiryIndexGrain>($"{kind}/{shard.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
