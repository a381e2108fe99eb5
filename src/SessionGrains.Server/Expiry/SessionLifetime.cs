namespace SessionGrains.Server;

/// <summary>
/// Whether a session is alive, and how it starts and ends: every call, the expiry timer and the sweepers' checks look at
/// expiry here first, and destroy, regeneration and expiry all end the session through <see cref="DeleteAsync"/>.
/// </summary>
internal sealed class SessionLifetime(
    SessionRecordWriter writer, SessionReaders readers, SessionExpirySchedule expiry, GrainExpiryEntry entry, SessionEventDispatcher events,
    Action<SessionUserBinding, string?> leftUser, TimeProvider clock, Action deactivate, SessionGrainLog log)
{
    private Task? _deletion; // shared by interleaved callers; a failed one can be retried

    /// <summary>
    /// Starts a new session holding <paramref name="data"/>: its expiry index entry before its record (a crash between
    /// them leaves an entry whose check removes it, never a record without an entry), then arms the timer.
    /// </summary>
    public async Task StartAsync(DateTimeOffset now, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        var first = writer.NewRecord(now, timeouts, data, operationId);
        await entry.SetAsync(first.ExpiresAt(now));
        await readers.RevokeLeasesAsync(); // holders of an ended session's copies
        await writer.CreateAsync(first);
        _deletion = null;
        log.Created(timeouts.IdleTimeout, writer.Record.AbsoluteExpiresAt);
        events.Raise(SessionEventKind.Created, log.SessionTag);
        expiry.Disarm();
        expiry.Arm(writer.ExpiresAt - now);
    }

    /// <summary>A call's check: the access time, or null when there is no live session.</summary>
    public async Task<DateTimeOffset?> AccessAsync(bool touch)
    {
        var now = clock.GetUtcNow();
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.OnAccess) && writer.Exists)
        {
            if (touch)
            {
                readers.RecordAccess(now);
            }

            expiry.Arm(writer.ExpiresAt - now);
            return now;
        }

        expiry.ReleaseEmptyActivation();
        return null;
    }

    public async Task OnExpiryTimerAsync()
    {
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Timer) && writer.Exists)
        {
            expiry.Rearm(writer.ExpiresAt - clock.GetUtcNow());
        }
    }

    /// <summary><paramref name="movedTo"/> names the new ID of a regenerated session.</summary>
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

    /// <summary>True when it deleted the session (or an interleaved call is doing so).</summary>
    public async Task<bool> DeleteIfExpiredAsync(SessionExpiryLayer layer)
    {
        if (_deletion is not null)
        {
            await _deletion;
            return true;
        }

        if (!writer.Exists || writer.IsLive(clock.GetUtcNow()))
        {
            return false;
        }

        var expiresAt = writer.ExpiresAt;
        var user = writer.Record.User;
        await DeleteAsync();
        log.Expired(expiresAt, layer);
        events.Raise(SessionEventKind.Expired, log.SessionTag, user, layer);
        return true;
    }

    /// <summary>
    /// A sweeper found this session's entry in <paramref name="shard"/> due at <paramref name="indexedDueAt"/>: with no
    /// record the entry goes; an expired session is deleted (its entry with it); a live one's entry moves to its expiry.
    /// </summary>
    public async Task CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt)
    {
        entry.RecordFound(shard, indexedDueAt);
        if (!writer.Exists)
        {
            await entry.RemoveAsync();
            expiry.ReleaseEmptyActivation();
        }
        else if (expiry.IsTimerArmed && !writer.IsLive(clock.GetUtcNow()))
        {
            // The armed timer is firing: it deletes the session and the entry; should it fail, the entry stays due.
        }
        else if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Sweep))
        {
            await entry.SetAsync(writer.ExpiresAt);
        }
    }

    /// <summary>A tick of a 1.0 per-session reminder: the session moves into the expiry index (or is deleted), then the reminder goes.</summary>
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

    /// <summary>Readers withdrawn, timers stopped, record deleted, its user's index told, then the index entry, then the activation.</summary>
    private async Task DeleteCoreAsync(string? movedTo)
    {
        await readers.WithdrawAsync();
        expiry.Disarm();
        var user = writer.Record.User;
        await writer.ClearAsync();
        if (user is not null)
        {
            leftUser(user, movedTo);
        }

        try
        {
            await entry.RemoveAsync();
        }
        catch (Exception exception)
        {
            log.ExpiryEntryUpdateFailed(exception); // the entry comes due, finds no record, and goes then
        }

        deactivate();
    }
}
