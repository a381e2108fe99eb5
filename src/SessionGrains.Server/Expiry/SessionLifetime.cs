using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// Whether a session grain's session is alive, and how it starts and ends. Every call, the expiry timer and the sweepers'
/// checks look at expiry here first. Destroy, regeneration and expiry end the session the same way: the outside copies
/// are withdrawn, the expiry timer stops, the record is deleted, then the expiry index entry, then the grain deactivates.
/// Interleaved callers share one deletion; a failed one can be retried. A bound session tells its user's index once its
/// record is deleted.
/// </summary>
internal sealed class SessionLifetime(
    SessionRecordWriter writer, SessionCopies copies, SessionExpirySchedule expiry, GrainExpiryEntry entry, SessionNotifier notifier,
    TimeProvider clock, Action deactivate, ILogger logger, string logId)
{
    private Task? _deletion;

    /// <summary>
    /// Starts a new session under this ID holding <paramref name="data"/>: its expiry index entry first (a crash before the
    /// record is written leaves an entry whose check finds nothing and removes it, never a record without an entry), then
    /// the record; holders of an ended session's copies drop them, the earlier deletion is over, and the timer is armed.
    /// </summary>
    public async Task StartAsync(DateTimeOffset now, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        var first = writer.NewRecord(now, timeouts, data, operationId);
        await entry.SetAsync(first.ExpiresAt(now));
        await copies.BeforeChangeAsync();
        await writer.CreateAsync(first);
        _deletion = null;
        SessionGrainLog.Created(logger, logId, timeouts.IdleTimeout, writer.Record.AbsoluteExpiresAt);
        notifier.Raise(SessionEventKind.Created);
        expiry.Disarm();
        expiry.Arm(writer.ExpiresAt - now);
    }

    /// <summary>A call's check: expiry first, then the access counts (when <paramref name="touch"/>); the access time, or null when there is no live session.</summary>
    public async Task<DateTimeOffset?> AccessAsync(bool touch)
    {
        var now = clock.GetUtcNow();
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.OnAccess) && writer.Exists)
        {
            if (touch)
            {
                copies.RecordAccess(now);
            }

            expiry.Arm(writer.ExpiresAt - now);
            return now;
        }

        expiry.ReleaseEmptyActivation();
        return null;
    }

    /// <summary>The expiry timer fired: delete the session if it expired, else look again at its new expiry.</summary>
    public async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Timer) && writer.Exists)
        {
            expiry.Rearm(writer.ExpiresAt - clock.GetUtcNow());
        }
    }

    /// <summary>An activation that found no session has answered its queued calls: free it unless a session began meanwhile.</summary>
    public Task OnEmptyLifetimeEndAsync()
    {
        if (!writer.Exists)
        {
            deactivate();
        }

        return Task.CompletedTask;
    }

    /// <summary>Deletes the session now; <paramref name="movedTo"/> names the new ID of a regenerated session.</summary>
    public async Task DeleteAsync(string? movedTo = null)
    {
        _deletion ??= DeleteCoreAsync(movedTo);
        try
        {
            await _deletion;
        }
        catch
        {
            _deletion = null;
            throw;
        }
    }

    /// <summary>Deletes the session when it has expired; true when it did (or another interleaved call is doing so).</summary>
    public async Task<bool> DeleteIfExpiredAsync(SessionExpiryLayer layer)
    {
        if (_deletion is not null)
        {
            await _deletion;
            return true;
        }

        var expiresAt = writer.ExpiresAt;
        if (!writer.Exists || clock.GetUtcNow() < expiresAt)
        {
            return false;
        }

        var user = writer.Record.User;
        await DeleteAsync();
        SessionGrainLog.Expired(logger, logId, expiresAt, layer);
        notifier.Raise(SessionEventKind.Expired, user, layer);
        return true;
    }

    /// <summary>
    /// A sweeper found this session's index entry in <paramref name="shard"/> due at <paramref name="indexedDueAt"/>: with
    /// no record, the entry is removed; an expired session is deleted (its entry with it); a live one's entry moves to its
    /// current expiry.
    /// </summary>
    public async Task CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt)
    {
        entry.Found(shard, indexedDueAt);
        if (!writer.Exists)
        {
            await entry.RemoveAsync();
            expiry.ReleaseEmptyActivation();
        }
        else if (expiry.IsTimerArmed && clock.GetUtcNow() >= writer.ExpiresAt)
        {
            // The armed timer is firing: it deletes the session and the entry; should it fail, the entry stays due.
        }
        else if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Sweep))
        {
            await entry.SetAsync(writer.ExpiresAt);
        }
    }

    /// <summary>
    /// A tick of a per-session reminder registered by SessionGrains 1.0: a live session moves into the expiry index, an
    /// expired one is deleted, and the reminder is removed after either.
    /// </summary>
    public async Task OnVersion1ReminderAsync()
    {
        if (writer.Exists && !await DeleteIfExpiredAsync(SessionExpiryLayer.Reminder))
        {
            await entry.SetAsync(writer.ExpiresAt);
        }

        await expiry.UnregisterReminderAsync();
        if (!writer.Exists)
        {
            expiry.ReleaseEmptyActivation();
        }
    }

    private async Task DeleteCoreAsync(string? movedTo)
    {
        await copies.WithdrawAsync();
        expiry.Disarm();
        var user = writer.Record.User;
        await writer.ClearAsync();
        if (user is not null)
        {
            notifier.LeftUser(user, movedTo);
        }

        try
        {
            await entry.RemoveAsync();
        }
        catch (Exception exception)
        {
            ExpirySweepLog.EntryUpdateFailed(logger, logId, exception); // the entry comes due, finds no record, and goes then
        }

        deactivate();
    }
}
