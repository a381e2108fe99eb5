namespace SessionGrains.Server;

/// <summary>
/// A grain's own entry in the <see cref="ISessionExpiryIndex"/>, and where and when it is due as far as this activation
/// knows (the creation or the last check set it; an activation that loaded its record does not know the due time).
/// </summary>
internal sealed class GrainExpiryEntry(ISessionExpiryIndex index, SessionExpiryEntryKind kind, string key, int shardCount)
{
    private readonly int _shard = SessionExpiryEntry.ShardOf(key, shardCount);
    private int _foundShard = SessionExpiryEntry.ShardOf(key, shardCount);

    /// <summary>The entry's due time when known.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>
    /// Adds the entry, or moves it to <paramref name="dueAt"/>. An entry found in another shard (written before
    /// <see cref="SessionSiloOptions.ExpiryIndexShards"/> was raised) moves to the key's shard: the new one first.
    /// </summary>
    public async Task SetAsync(DateTimeOffset dueAt)
    {
        var moved = _foundShard != _shard;
        await index.SetAsync(new(kind, _shard, key, dueAt), moved ? null : DueAt);
        if (moved)
        {
            await index.RemoveAsync(new(kind, _foundShard, key, DueAt));
            _foundShard = _shard;
        }

        DueAt = dueAt;
    }

    /// <summary>A sweeper found the entry in <paramref name="shard"/>, due at <paramref name="dueAt"/>.</summary>
    public void Found(int shard, DateTimeOffset dueAt) => (_foundShard, DueAt) = (shard, dueAt);

    /// <summary>Removes the entry (call only once the record is deleted).</summary>
    public async Task RemoveAsync()
    {
        await index.RemoveAsync(new(kind, _foundShard, key, DueAt));
        if (_foundShard != _shard)
        {
            await index.RemoveAsync(new(kind, _shard, key, null));
            _foundShard = _shard;
        }

        DueAt = null;
    }
}
