using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// Whether a session grain's session is alive, and how it starts and ends. Every call, the expiry timer and the reminder check
/// expiry here first. Destroy, regeneration and expiry end the session the same way: the outside copies are withdrawn,
/// the expiry timer stops, the record is deleted, then the reminder, then the grain deactivates. Interleaved callers
/// share one deletion; a failed one can be retried. A bound session tells its user's index once its record is deleted.
/// </summary>
internal sealed class SessionLifetime(
    SessionRecordWriter writer, SessionCopies copies, SessionExpirySchedule expiry, SessionNotifier notifier, TimeProvider clock,
    Action deactivate, ILogger logger, string logId)
{
    private Task? _deletion;

    /// <summary>
    /// Starts a new session under this ID holding <paramref name="data"/>: the reminder first (a crash before the record is
    /// written leaves a reminder that finds nothing and removes itself, never a record without a reminder), then the
    /// record; holders of an ended session's copies drop them, the earlier deletion is over, and the timer is armed.
    /// </summary>
    public async Task StartAsync(DateTimeOffset now, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        await expiry.RegisterReminderAsync(timeouts);
        await copies.BeforeChangeAsync();
        await writer.CreateAsync(now, timeouts, data, operationId);
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
    /// The reminder's tick: with no record, the reminder removes itself; with an armed timer, the timer is in charge;
    /// otherwise expiry is checked. True when it checked (the activation may exist only for this).
    /// </summary>
    public async Task<bool> OnReminderAsync()
    {
        if (!writer.Exists)
        {
            await expiry.UnregisterReminderAsync();
            expiry.ReleaseEmptyActivation();
            return false;
        }

        if (expiry.IsTimerArmed)
        {
            return false;
        }

        await DeleteIfExpiredAsync(SessionExpiryLayer.Reminder);
        return true;
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

        await expiry.UnregisterReminderAsync();
        deactivate();
    }
}
