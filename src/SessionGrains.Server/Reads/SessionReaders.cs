using System.Diagnostics;

namespace SessionGrains.Server;

/// <summary>
/// Who reads one session without calling its grain: co-hosted front ends through the published record in the silo's
/// <see cref="LocalSessionDirectory"/>, and client front ends that hold a read lease (see <see cref="SessionReadLease"/>).
/// The grain revokes them before it stores a change and publishes what it stored.
/// </summary>
internal sealed class SessionReaders(LocalSessionDirectory directory, string sessionId)
{
    /// <summary>Added to each lease: message delivery and clock rate differences between holder and silo.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMilliseconds(100);

    private readonly LocalSessionEntry _local = new();
    private Dictionary<GrainId, Lease>? _leases;

    public DateTimeOffset LastAccessAt => _local.LastAccessAt;

    public bool IsPublished => _local.Record is not null;

    public void RecordAccess(DateTimeOffset at) => _local.RecordAccess(at);

    public void Publish(SessionRecord record) => directory.Publish(sessionId, _local, record);

    public void Grant(SessionReadLease lease)
    {
        var duration = lease.Duration < SessionReadLease.MaxDuration ? lease.Duration : SessionReadLease.MaxDuration;
        if (duration > TimeSpan.Zero)
        {
            (_leases ??= [])[lease.Holder.GetGrainId()] = new Lease(lease.Holder, duration, EndFrom(Stopwatch.GetTimestamp(), duration));
        }
    }

    /// <summary>
    /// After <paramref name="writer"/>'s change is stored: the lease it holds starts again, as long as the one it was
    /// granted but never past <paramref name="untilExpiry"/>, and is answered; zero when it holds none.
    /// </summary>
    public TimeSpan Renew(ISessionReadCache? writer, TimeSpan untilExpiry)
    {
        if (writer is null || _leases is not { } leases || !leases.TryGetValue(writer.GetGrainId(), out var lease) || untilExpiry <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var duration = untilExpiry < lease.Duration ? untilExpiry : lease.Duration;
        leases[writer.GetGrainId()] = lease with { EndsAt = EndFrom(Stopwatch.GetTimestamp(), duration) };
        return duration;
    }

    /// <summary>Before a change is stored: every lease holder but <paramref name="keep"/> drops its copy, or its lease ends.</summary>
    public Task RevokeLeasesAsync(ISessionReadCache? keep = null)
    {
        if (_leases is not { Count: > 0 } leases)
        {
            return Task.CompletedTask;
        }

        var now = Stopwatch.GetTimestamp();
        var kept = keep?.GetGrainId();
        List<Task>? revocations = null;
        foreach (var (holderId, held) in leases)
        {
            if (holderId != kept && held.EndsAt > now)
            {
                (revocations ??= []).Add(RevokeAsync(held.Holder, Stopwatch.GetElapsedTime(now, held.EndsAt)));
            }
        }

        var keptLease = kept is { } id && leases.TryGetValue(id, out var lease) ? lease : default;
        leases.Clear();
        if (keptLease.Holder is not null)
        {
            leases[kept!.Value] = keptLease;
        }

        return revocations is null ? Task.CompletedTask : Task.WhenAll(revocations);
    }

    /// <summary>Once <paramref name="stored"/> is stored: its last access counts, and local readers see it when <paramref name="publish"/>.</summary>
    public void AcceptStored(SessionRecord stored, bool publish)
    {
        _local.RecordAccess(stored.LastAccessAt); // a new session's first access
        if (publish)
        {
            Publish(stored);
        }
    }

    /// <summary>
    /// No reader may serve the session from now on: local readers first (so that no local read's access comes after a
    /// final write), then every lease holder.
    /// </summary>
    public Task WithdrawAsync()
    {
        directory.Withdraw(sessionId, _local);
        return RevokeLeasesAsync();
    }

    private static long EndFrom(long now, TimeSpan duration) => now + (long)((duration + LeaseMargin).TotalSeconds * Stopwatch.Frequency);

    private async Task RevokeAsync(ISessionReadCache holder, TimeSpan remaining)
    {
        var leaseEnd = Task.Delay(remaining);
        Task invalidation;
        try
        {
            invalidation = holder.InvalidateAsync(sessionId);
        }
        catch (Exception)
        {
            invalidation = Task.FromException(new InvalidOperationException("The holder could not be called."));
        }

        if (await Task.WhenAny(invalidation, leaseEnd) != invalidation || !invalidation.IsCompletedSuccessfully)
        {
            await leaseEnd; // the holder did not confirm: its lease ends on its own
        }
    }

    // Duration: as granted, for renewals; EndsAt: on this silo's monotonic clock.
    private readonly record struct Lease(ISessionReadCache Holder, TimeSpan Duration, long EndsAt);
}
