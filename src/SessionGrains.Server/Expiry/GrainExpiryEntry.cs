namespace SessionGrains.Server;

/// <summary>A grain's own entry in the <see cref="ISessionExpiryIndex"/>, with its shard and due time as far as this activation knows.</summary>
internal sealed class GrainExpiryEntry(ISessionExpiryIndex index, SessionExpiryEntryKind kind, string key, int shardCount)
{
    private readonly int _shard = SessionExpiryEntry.ShardOf(key, shardCount);
    private int _foundShard = SessionExpiryEntry.ShardOf(key, shardCount);

    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>An entry found in another shard (before the shard count was raised) moves to the key's shard, new one first.</summary>
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

    public void RecordFound(int shard, DateTimeOffset dueAt) => (_foundShard, DueAt) = (shard, dueAt);

    /// <summary>Only once the record is deleted.</summary>
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
