using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// A client-mode front end's sessions loaded under read leases (the contract: ISessionReadCache, SessionReadLease).
// An invalidation leaves a marker that refuses loads begun before it, and every update is a compare-and-swap on the entry
// it read, so no late answer replaces a newer state.
internal sealed class SessionReadCache : ISessionReadCache, IDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly TimeSpan _lease;
    private readonly long _leaseTicks;
    private readonly Lock _holderLock = new();
    private ISessionReadCache? _holder;
    private readonly ITimer? _sweeper;
    private long _tickets;

    public SessionReadCache(IGrainFactory grains, IOptions<SessionFrontEndOptions> options)
    {
        _grains = grains;
        _lease = options.Value.ReadLease;
        _leaseTicks = (long)(_lease.TotalSeconds * Stopwatch.Frequency);
        if (_lease > TimeSpan.Zero)
        {
            var sweepPeriod = _lease < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : _lease;
            _sweeper = TimeProvider.System.CreateTimer(_ => Sweep(), null, sweepPeriod, sweepPeriod);
        }
    }

    Task ISessionReadCache.InvalidateAsync(string sessionId)
    {
        Forget(sessionId);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        if (_holder is not null)
        {
            _grains.DeleteObjectReference<ISessionReadCache>(_holder);
        }
    }

    public SessionSnapshot? TryGet(string sessionId)
        => _slots.TryGetValue(sessionId, out var slot) && slot is Cached cached && Stopwatch.GetTimestamp() < cached.LeaseEndsAt
            ? cached.Snapshot
            : null;

    public (SessionReadLease Lease, LoadTicket Ticket) BeginLoad()
        => (new SessionReadLease(Holder, _lease), new LoadTicket(Interlocked.Increment(ref _tickets), Stopwatch.GetTimestamp()));

    // The entry ends with the lease or the session's expiry, on this machine's monotonic clock from when the load was sent.
    public void CacheLoad(string sessionId, SessionSnapshot snapshot, LoadTicket ticket)
    {
        var untilExpiry = snapshot.ExpiresAt - snapshot.LastAccessAt; // both on the grain's clock
        var ticks = untilExpiry < _lease ? (long)(untilExpiry.TotalSeconds * Stopwatch.Frequency) : _leaseTicks;
        var entry = new Cached(snapshot, ticket.StartedAt + ticks);
        while (Stopwatch.GetTimestamp() < entry.LeaseEndsAt)
        {
            if (!_slots.TryGetValue(sessionId, out var current))
            {
                if (_slots.TryAdd(sessionId, entry))
                {
                    return;
                }
            }
            else if (current is Invalidated invalidated && invalidated.Ticket > ticket.Number
                || current is Cached newer && newer.Snapshot.Version > snapshot.Version
                || _slots.TryUpdate(sessionId, entry, current))
            {
                return;
            }
        }
    }

    // A write that took the version one step further updates the copy, and its lease runs again from when the write was
    // sent (the grain renewed it: SessionWriteResult.Lease); any other forgets the session, refusing loads begun before it.
    public void ApplyWrite(
        string sessionId, SessionWriteResult result, long sentAt, Func<IReadOnlyDictionary<string, byte[]>, Dictionary<string, byte[]>> change)
    {
        if (result.Succeeded && _slots.TryGetValue(sessionId, out var current) && current is Cached cached
            && cached.Snapshot.Version + 1 == result.Version)
        {
            var snapshot = new SessionSnapshot
            {
                Data = change(cached.Snapshot.Data),
                Version = result.Version,
                CreatedAt = cached.Snapshot.CreatedAt,
                LastAccessAt = cached.Snapshot.LastAccessAt,
                ExpiresAt = result.ExpiresAt == default ? cached.Snapshot.ExpiresAt : result.ExpiresAt,
                Timeouts = cached.Snapshot.Timeouts,
                User = cached.Snapshot.User, // a data change leaves the binding as it was
            };
            var renewedUntil = sentAt + (long)(result.Lease.TotalSeconds * Stopwatch.Frequency);
            var leaseEndsAt = result.Lease > TimeSpan.Zero && renewedUntil > cached.LeaseEndsAt ? renewedUntil : cached.LeaseEndsAt;
            if (_slots.TryUpdate(sessionId, new Cached(snapshot, leaseEndsAt), current))
            {
                return;
            }
        }

        Forget(sessionId);
    }

    public void Forget(string sessionId)
        => _slots[sessionId] = new Invalidated(Interlocked.Increment(ref _tickets), Stopwatch.GetTimestamp());

    // Made on first use, when the client is connected; a failure is not kept, so the next write tries again.
    public ISessionReadCache Holder
    {
        get
        {
            if (Volatile.Read(ref _holder) is { } holder)
            {
                return holder;
            }

            lock (_holderLock)
            {
                return _holder ??= _grains.CreateObjectReference<ISessionReadCache>(this);
            }
        }
    }

    // Invalidation markers older than a lease go too: a load begun before them has ended.
    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var slot in _slots)
        {
            var ended = slot.Value switch
            {
                Cached cached => cached.LeaseEndsAt <= now,
                Invalidated invalidated => invalidated.At + _leaseTicks <= now,
                _ => true,
            };
            if (ended)
            {
                _slots.TryRemove(slot);
            }
        }
    }

    public readonly record struct LoadTicket(long Number, long StartedAt);

    private abstract record Slot;

    private sealed record Cached(SessionSnapshot Snapshot, long LeaseEndsAt) : Slot;

    private sealed record Invalidated(long Ticket, long At) : Slot;
}
