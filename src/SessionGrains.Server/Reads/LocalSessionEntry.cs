namespace SessionGrains.Server;

/// <summary>What an active session grain shares with local readers: its published record and the live last access.</summary>
/// <remarks>
/// The grain withdraws the record before it reads the last access for a final write, and readers record an access
/// before they check that the record is still published; both use full fences, so an access is either seen by that
/// write or its reader falls back to the grain.
/// </remarks>
internal sealed class LocalSessionEntry
{
    private SessionRecord? _record;
    private long _lastAccessTicks;

    /// <summary>Null while withdrawn.</summary>
    public SessionRecord? Record => Volatile.Read(ref _record);

    public DateTimeOffset LastAccessAt => new(Interlocked.Read(ref _lastAccessTicks), TimeSpan.Zero);

    /// <summary>Publishes <paramref name="record"/>; true when nothing was published before.</summary>
    public bool Publish(SessionRecord record) => Interlocked.Exchange(ref _record, record) is null;

    /// <summary>Withdraws the record; true when one was published.</summary>
    public bool Withdraw() => Interlocked.Exchange(ref _record, null) is not null;

    /// <summary>Never backwards.</summary>
    public void RecordAccess(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var seen = Interlocked.Read(ref _lastAccessTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _lastAccessTicks, ticks, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
