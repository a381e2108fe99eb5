using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// Writes a session's record: a new session, a data change with its operation ID and result (one record write), and
/// the last access, shared by interleaved loads and written only when the stored one has grown older than
/// <see cref="SessionSiloOptions.TouchWriteInterval"/>. A stored record is never changed: each write stores a new
/// one, and on failure the current one stays.
/// </summary>
internal sealed class SessionRecordWriter(
    IPersistentState<SessionRecord> state, SessionCopies copies, SessionSiloOptions options, TimeProvider clock,
    ILogger logger, string logId)
{
    private Task? _touchWrite;

    /// <summary>The current record (empty when none is stored).</summary>
    public SessionRecord Record => state.State;

    /// <summary>True when a record is stored.</summary>
    public bool Exists => state.RecordExists;

    /// <summary>When the session expires unless accessed again, counting accesses not yet written.</summary>
    public DateTimeOffset ExpiresAt => Record.ExpiresAt(copies.LastAccessAt);

    /// <summary>The stored result when <paramref name="operationId"/> was applied already (a retry); otherwise null.</summary>
    public SessionOperation? FindApplied(Guid operationId)
    {
        var operation = SessionOperationLog.Find(Record.Operations, operationId);
        if (operation is not null)
        {
            SessionGrainLog.OperationRepeated(logger, logId, operationId);
        }

        return operation;
    }

    /// <summary>A new session's first record, not yet stored: version 1, created and accessed <paramref name="now"/>.</summary>
    public SessionRecord NewRecord(DateTimeOffset now, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
        => new()
        {
            Data = data,
            Version = 1,
            CreatedAt = now,
            LastAccessAt = now,
            IdleTimeout = timeouts.IdleTimeout,
            AbsoluteExpiresAt = now + timeouts.AbsoluteTimeout,
            Operations = SessionOperationLog.Append([], new SessionOperation { Id = operationId, Version = 1, At = now }, options),
        };

    /// <summary>Stores a new session's first record (from <see cref="NewRecord"/>).</summary>
    public Task CreateAsync(SessionRecord first) => WriteAsync(first);

    /// <summary>Stores the changed data, the next version, and the write's operation ID and result.</summary>
    public async Task WriteDataAsync(Dictionary<string, byte[]> data, ISessionReadCache? writer, Guid operationId, long value)
    {
        await copies.BeforeChangeAsync(writer);
        var next = Record.Copy();
        next.Data = data;
        next.Version++;
        next.LastAccessAt = copies.LastAccessAt;
        next.FormatVersion = SessionRecord.CurrentFormatVersion;
        next.Operations = SessionOperationLog.Append(Record.Operations,
            new SessionOperation { Id = operationId, Version = next.Version, Value = value, At = clock.GetUtcNow() }, options);
        await WriteAsync(next);
    }

    /// <summary>Stores the session's user binding (null to unbind); other holders of copies drop them first.</summary>
    public async Task WriteUserAsync(SessionUserBinding? user)
    {
        await copies.BeforeChangeAsync();
        var next = Record.Copy();
        next.User = user;
        next.LastAccessAt = copies.LastAccessAt;
        await WriteAsync(next);
    }

    /// <summary>Writes the last access when the stored value has grown older than the touch write interval.</summary>
    public Task WriteTouchIfDueAsync(DateTimeOffset now)
    {
        if (!IsTouchWriteDue(Record, now, options))
        {
            return Task.CompletedTask;
        }

        if (_touchWrite is not { IsCompleted: false })
        {
            _touchWrite = WriteTouchAsync(); // interleaved loads share one write
        }

        return _touchWrite;
    }

    /// <summary>Writes the last access (and prunes the operation log); a failure is logged, not thrown.</summary>
    public async Task WriteTouchAsync()
    {
        var next = Record.Copy();
        next.LastAccessAt = copies.LastAccessAt;
        next.Operations = SessionOperationLog.Append(Record.Operations, new SessionOperation { At = clock.GetUtcNow() }, options);
        try
        {
            await StoreAsync(next, publish: copies.IsPublished); // not while withdrawn (deactivating)
        }
        catch (Exception exception)
        {
            SessionGrainLog.TouchWriteFailed(logger, logId, exception);
        }
    }

    /// <summary>On deactivation: writes a live session's last access if it is newer than the stored one.</summary>
    public Task WriteUnwrittenAccessAsync()
        => Exists && copies.LastAccessAt > Record.LastAccessAt && clock.GetUtcNow() < ExpiresAt ? WriteTouchAsync() : Task.CompletedTask;

    /// <summary>Deletes the stored record.</summary>
    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new SessionRecord();
    }

    /// <summary>True when an access at <paramref name="now"/> must write the last access of <paramref name="stored"/>.</summary>
    internal static bool IsTouchWriteDue(SessionRecord stored, DateTimeOffset now, SessionSiloOptions options)
        => now - stored.LastAccessAt >= TimeSpan.FromTicks(Math.Min(options.TouchWriteInterval.Ticks, stored.IdleTimeout.Ticks / 4));

    private async Task WriteAsync(SessionRecord next)
    {
        try
        {
            await StoreAsync(next, publish: true);
        }
        catch (Exception exception)
        {
            SessionGrainLog.WriteFailed(logger, logId, exception);
            throw;
        }
    }

    private async Task StoreAsync(SessionRecord next, bool publish)
    {
        var previous = Record;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }

        copies.AfterStore(next, publish);
    }
}
