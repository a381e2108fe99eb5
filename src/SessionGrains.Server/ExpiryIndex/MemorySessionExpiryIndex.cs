namespace SessionGrains.Server;

/// <summary>The expiry index of memory storage: a grain per shard, lost with its silo as the records are.</summary>
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
