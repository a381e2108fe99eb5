namespace SessionGrains.Server;

/// <summary>
/// The durable due-time index that drives expiry of inactive sessions (and the sweep of users' session indexes): one
/// entry per stored record, in one of <see cref="SessionSiloOptions.ExpiryIndexShards"/> shards, read by that shard's
/// sweeper. SessionGrains ships one per storage provider; a custom grain storage needs one of its own, registered with
/// <c>AddSessionExpiryIndex</c>.
/// </summary>
/// <remarks>
/// The contract that keeps expiry safe: every stored record has an entry that will come due. The owning grain writes its
/// entry before its record and removes it only after its record is deleted, so an entry may outlive its record (the check
/// then finds nothing and removes it) but never the reverse. Only the owning grain changes its entry, within its own turn;
/// sweepers only read. An entry may come due before its record expires: the check moves it to the record's expiry, so
/// touches need no index write. Implementations must be durable where the records are, and must tolerate a repeated
/// call (a retry after a crash). A store may keep due times rounded up to its own precision (a millisecond, say), never
/// down, and must read them back as it keeps them.
/// </remarks>
public interface ISessionExpiryIndex
{
    /// <summary>
    /// Adds <paramref name="entry"/>, or moves its key's entry to <paramref name="entry"/>'s due time.
    /// <paramref name="previousDueAt"/>, when known, is the due time of the entry being moved (an index keyed by due time
    /// needs it to find the entry; one keyed by the key alone ignores it). Such an index may then keep an extra entry for
    /// the key, when <paramref name="previousDueAt"/> is unknown or stale: harmless, as every entry's check is.
    /// </summary>
    Task SetAsync(SessionExpiryEntry entry, DateTimeOffset? previousDueAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes <paramref name="entry"/>'s key from its shard, and from no other. When <paramref name="entry"/>'s due time is not known (null
    /// <see cref="SessionExpiryEntry.DueAt"/>), an index keyed by due time may leave the entry: it comes due, its check
    /// finds no record, and the entry is removed then.
    /// </summary>
    Task RemoveAsync(SessionExpiryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> entries of one kind and shard due at or before <paramref name="dueBy"/>, earliest first.</summary>
    Task<IReadOnlyList<SessionExpiryEntry>> ReadDueAsync(
        SessionExpiryEntryKind kind, int shard, DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default);
}
