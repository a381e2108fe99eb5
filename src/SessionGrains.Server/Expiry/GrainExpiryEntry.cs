namespace SessionGrains.Server;

/// <summary>
/// A grain's own entry in the <see cref="ISessionExpiryIndex"/>, and its due time as far as this activation knows it
/// (the creation or the last check set it; an activation that loaded its record does not know it).
/// </summary>
internal sealed class GrainExpiryEntry(ISessionExpiryIndex index, SessionExpiryEntryKind kind, string key, int shardCount)
{
    private readonly int _shard = SessionExpiryEntry.ShardOf(key, shardCount);

    /// <summary>The entry's due time when known.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>Adds the entry, or moves it to <paramref name="dueAt"/>.</summary>
    public async Task SetAsync(DateTimeOffset dueAt)
    {
        await index.SetAsync(new(kind, _shard, key, dueAt), DueAt);
        DueAt = dueAt;
    }

    /// <summary>A sweeper found the entry due at <paramref name="dueAt"/>: that is its due time.</summary>
    public void Found(DateTimeOffset dueAt) => DueAt = dueAt;

    /// <summary>Removes the entry (call only once the record is deleted).</summary>
    public async Task RemoveAsync()
    {
        await index.RemoveAsync(new(kind, _shard, key, DueAt));
        DueAt = null;
    }
}
