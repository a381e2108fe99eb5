using System.Diagnostics;

namespace SessionGrains.Server;

/// <summary>
/// The read leases a session grain has granted: front ends that may serve the session from their cache until their
/// lease ends. Revoking tells every holder to drop the session and waits for its answer or, when it does not answer,
/// for its lease to end; only then may the grain acknowledge a change.
/// </summary>
/// <remarks>Lease ends are measured on this silo's monotonic clock, from when the lease was granted: never before the
/// holder's own end, which it measures from when it sent the load.</remarks>
internal sealed class SessionReadLeases
{
    /// <summary>Added to each lease: message delivery and clock rate differences between holder and silo.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<GrainId, (ISessionReadCache Holder, long EndsAt)> _holders = [];

    public void Grant(SessionReadLease lease)
    {
        var duration = lease.Duration < SessionReadLease.MaxDuration ? lease.Duration : SessionReadLease.MaxDuration;
        if (duration > TimeSpan.Zero)
        {
            _holders[lease.Holder.GetGrainId()] = (lease.Holder, Stopwatch.GetTimestamp() + (long)((duration + Margin).TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary>Revokes every live lease but <paramref name="keep"/>'s; completes when none of them can still be served.</summary>
    public Task RevokeAsync(string sessionId, ISessionReadCache? keep)
    {
        if (_holders.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = Stopwatch.GetTimestamp();
        var kept = keep?.GetGrainId();
        List<Task>? revocations = null;
        foreach (var (holderId, (holder, endsAt)) in _holders)
        {
            if (holderId != kept && endsAt > now)
            {
                (revocations ??= []).Add(RevokeAsync(holder, sessionId, Stopwatch.GetElapsedTime(now, endsAt)));
            }
        }

        var keptLease = kept is { } id && _holders.TryGetValue(id, out var lease) ? lease : default;
        _holders.Clear();
        if (keptLease.Holder is not null)
        {
            _holders[kept!.Value] = keptLease;
        }

        return revocations is null ? Task.CompletedTask : Task.WhenAll(revocations);
    }

    private static async Task RevokeAsync(ISessionReadCache holder, string sessionId, TimeSpan remaining)
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
}
