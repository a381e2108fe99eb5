using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// A client-mode front end's cache of sessions loaded under read leases (<see cref="SessionFrontEndOptions.ReadLease"/>):
/// a load within the lease is served here, without a grain call. The grain invalidates this cache before it
/// acknowledges a change made elsewhere; this front end's own writes update it from the result's version.
/// </summary>
/// <remarks>
/// An invalidation leaves a marker that refuses any load begun before it, however late its answer arrives, and every
/// update is a compare-and-swap on the entry it read, so no stale answer replaces a newer state.
/// </remarks>
public sealed class SessionReadCache : ISessionReadCache, IDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly long _leaseTicks;
    private readonly Lock _holderLock = new();
    private ISessionReadCache? _holder;
    private readonly ITimer? _sweeper;
    private long _tickets;

    /// <summary>
    /// Creates the cache; AddGrainSessions registers it as a singleton and makes it the read path of a cluster client
    /// when <see cref="SessionFrontEndOptions.ReadLease"/> is positive. While the lease is on, ended leases and
    /// invalidation markers are swept every lease (at least every second).
    /// </summary>
    public SessionReadCache(IGrainFactory grains, IOptions<SessionFrontEndOptions> options)
    {
        _grains = grains;
        Lease = options.Value.ReadLease;
        _leaseTicks = (long)(Lease.TotalSeconds * Stopwatch.Frequency);
        if (Lease > TimeSpan.Zero)
        {
            var sweepPeriod = Lease < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Lease;
            _sweeper = TimeProvider.System.CreateTimer(_ => Sweep(), null, sweepPeriod, sweepPeriod);
        }
    }

    /// <summary>How long a loaded session is served from here; zero when the cache is off.</summary>
    public TimeSpan Lease { get; }

    /// <inheritdoc />
    Task ISessionReadCache.InvalidateAsync(string sessionId)
    {
        Forget(sessionId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sweeper?.Dispose();
        if (_holder is not null)
        {
            _grains.DeleteObjectReference<ISessionReadCache>(_holder);
        }
    }

    /// <summary>The cached session while its lease lasts; otherwise null.</summary>
    internal SessionSnapshot? TryGet(string sessionId)
        => _slots.TryGetValue(sessionId, out var slot) && slot is Cached cached && Stopwatch.GetTimestamp() < cached.LeaseEndsAt
            ? cached.Snapshot
            : null;

    /// <summary>Starts a leased load: the lease to send, and the ticket that <see cref="Loaded"/> needs.</summary>
    internal (SessionReadLease Lease, LoadTicket Ticket) BeginLoad()
        => (new SessionReadLease(Holder, Lease), new LoadTicket(Interlocked.Increment(ref _tickets), Stopwatch.GetTimestamp()));

    /// <summary>
    /// Caches a leased load's answer, unless an invalidation came after the load began or the lease is over. The entry
    /// ends with the lease or, if sooner, when the session would expire: both measured on this machine's monotonic clock
    /// from when the load was sent, so clock differences between machines do not matter.
    /// </summary>
    internal void Loaded(string sessionId, SessionSnapshot snapshot, LoadTicket ticket)
    {
        var untilExpiry = snapshot.ExpiresAt - snapshot.LastAccessAt; // both on the grain's clock
        var ticks = untilExpiry < Lease ? (long)(untilExpiry.TotalSeconds * Stopwatch.Frequency) : _leaseTicks;
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

    /// <summary>
    /// After this front end's write: when it succeeded and took the cached version one step further (no other write came
    /// between), the cached copy is updated with <paramref name="change"/>. Otherwise the session is forgotten, which also
    /// refuses the answers of loads begun before the write (they may predate it, and the grain keeps this front end's
    /// lease, so no invalidation would follow).
    /// </summary>
    internal void Written(string sessionId, SessionWriteResult result, Func<IReadOnlyDictionary<string, byte[]>, Dictionary<string, byte[]>> change)
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
            };
            if (_slots.TryUpdate(sessionId, cached with { Snapshot = snapshot }, current))
            {
                return;
            }
        }

        Forget(sessionId);
    }

    /// <summary>Drops the session and refuses loads begun before now.</summary>
    internal void Forget(string sessionId)
        => _slots[sessionId] = new Invalidated(Interlocked.Increment(ref _tickets), Stopwatch.GetTimestamp());

    /// <summary>This cache as the grains see it: the lease holder, and the writer whose own lease a change keeps.</summary>
    internal ISessionReadCache Holder
    {
        get
        {
            if (Volatile.Read(ref _holder) is { } holder)
            {
                return holder;
            }

            // Made on first use, when the client is connected; a failure is not kept, so the next write tries again.
            lock (_holderLock)
            {
                return _holder ??= _grains.CreateObjectReference<ISessionReadCache>(this);
            }
        }
    }

    /// <summary>Removes ended leases, and invalidation markers older than a lease (a load begun before them has ended).</summary>
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

    internal readonly record struct LoadTicket(long Number, long StartedAt);

    private abstract record Slot;

    private sealed record Cached(SessionSnapshot Snapshot, long LeaseEndsAt) : Slot;

    private sealed record Invalidated(long Ticket, long At) : Slot;
}
