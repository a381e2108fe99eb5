namespace SessionGrains.Server;

/// <summary>
/// Stores a session's record. A stored record is never changed: each write stores a modified copy, and on failure the
/// current one stays. The last access lives in memory and is written only when it falls behind (touch writes).
/// </summary>
internal sealed class SessionRecordWriter(
    IPersistentState<SessionRecord> state, SessionReaders readers, SessionSiloOptions options, TimeProvider clock, SessionGrainLog log)
{
    private Task? _touchWrite;

    /// <summary>Empty when none is stored.</summary>
    public SessionRecord Record => state.State;

    public bool Exists => state.RecordExists;

    /// <summary>When the session expires unless accessed again, counting accesses not yet written.</summary>
    public DateTimeOffset ExpiresAt => Record.ExpiresAt(readers.LastAccessAt);

    /// <summary>True when a record is stored and live at <paramref name="now"/>, counting accesses not yet written.</summary>
    public bool IsLive(DateTimeOffset now) => Exists && Record.IsLiveAt(now, readers.LastAccessAt);

    public SessionRecord NewRecord(DateTimeOffset now, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        var operation = new SessionOperation { Id = operationId, Version = 1, At = now };
        return new()
        {
            Data = data,
            Version = 1,
            CreatedAt = now,
            LastAccessAt = now,
            IdleTimeout = timeouts.IdleTimeout,
            AbsoluteExpiresAt = now + timeouts.AbsoluteTimeout,
            Operations = SessionOperationLog.Append([], operation, options),
            RetriedOperations = RetriedAfter([], operation, now),
        };
    }

    public Task CreateAsync(SessionRecord first) => WriteAsync(first);

    public async Task WriteDataAsync(Dictionary<string, byte[]> data, ISessionReadCache? writer, Guid operationId, long value)
    {
        await readers.RevokeLeasesAsync(keep: writer);
        var next = Record.Copy();
        next.Data = data;
        next.Version++;
        next.LastAccessAt = readers.LastAccessAt;
        next.FormatVersion = SessionRecord.CurrentFormatVersion;
        var now = clock.GetUtcNow();
        var operation = new SessionOperation { Id = operationId, Version = next.Version, Value = value, At = now };
        next.Operations = SessionOperationLog.Append(Record.Operations, operation, options);
        next.RetriedOperations = RetriedAfter(Record.RetriedOperations, operation, now);
        next.Requests = Record.Requests.Length == 0 ? [] : SessionRequestLog.Prune(Record.Requests, now, SessionChangeSetApplier.SizeOf(data), options);
        await WriteAsync(next);
    }

    /// <summary>
    /// A retried attempt of a write applied before: from now on the write's ID is kept for the whole retention, as an
    /// earlier attempt of it may still arrive after many other writes. Nothing is written when it is kept already.
    /// </summary>
    public async Task KeepIfRetriedAsync(SessionOperation applied)
    {
        var retried = IsRetried ? SessionOperationLog.KeepRetried(Record.RetriedOperations, applied, clock.GetUtcNow(), options) : null;
        if (retried is null || ReferenceEquals(retried, Record.RetriedOperations))
        {
            return;
        }

        var next = Record.Copy();
        next.LastAccessAt = readers.LastAccessAt;
        next.FormatVersion = SessionRecord.CurrentFormatVersion;
        next.RetriedOperations = retried;
        await WriteAsync(next);
    }

    /// <summary>Stores the list of recorded responses; the data and its version stay.</summary>
    public async Task WriteRequestsAsync(SessionKeyedRequest[] requests)
    {
        var next = Record.Copy();
        next.Requests = requests;
        next.LastAccessAt = readers.LastAccessAt;
        next.FormatVersion = SessionRecord.CurrentFormatVersion;
        await WriteAsync(next);
    }

    public async Task WriteUserAsync(SessionUserBinding? user)
    {
        await readers.RevokeLeasesAsync();
        var next = Record.Copy();
        next.User = user;
        next.LastAccessAt = readers.LastAccessAt;
        await WriteAsync(next);
    }

    /// <summary>Interleaved loads share one write.</summary>
    public Task WriteTouchIfDueAsync(DateTimeOffset now)
    {
        if (!Record.IsTouchWriteDue(now, options.TouchWriteInterval))
        {
            return Task.CompletedTask;
        }

        if (_touchWrite is not { IsCompleted: false })
        {
            _touchWrite = WriteTouchAsync();
        }

        return _touchWrite;
    }

    /// <summary>On deactivation.</summary>
    public Task WriteUnwrittenAccessAsync()
        => IsLive(clock.GetUtcNow()) && readers.LastAccessAt > Record.LastAccessAt ? WriteTouchAsync() : Task.CompletedTask;

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new SessionRecord();
    }

    /// <summary>Also prunes the operation log and recorded responses; a failure is logged, not thrown (the access stays in memory).</summary>
    private async Task WriteTouchAsync()
    {
        var next = Record.Copy();
        next.LastAccessAt = readers.LastAccessAt;
        var now = clock.GetUtcNow();
        next.Operations = SessionOperationLog.Append(Record.Operations, new SessionOperation { At = now }, options);
        next.RetriedOperations = SessionOperationLog.PruneRetried(Record.RetriedOperations, now, options);
        next.Requests = SessionRequestLog.Prune(Record.Requests, now, dataBytes: 0, options); // ages out; the data did not grow
        try
        {
            await StoreAsync(next, publish: readers.IsPublished); // not while withdrawn (deactivating)
        }
        catch (Exception exception)
        {
            log.TouchWriteFailed(exception);
        }
    }

    /// <summary>The caller marked this call as a retried attempt (<see cref="SessionOperationWindow.RetriedContextKey"/>).</summary>
    private static bool IsRetried => RequestContext.Get(SessionOperationWindow.RetriedContextKey) is true;

    /// <summary>The retried list once <paramref name="written"/> is stored: with it when a marked attempt wrote it, else only pruned.</summary>
    private SessionOperation[] RetriedAfter(SessionOperation[] retried, SessionOperation written, DateTimeOffset now)
        => IsRetried && written.Id != Guid.Empty
            ? SessionOperationLog.KeepRetried(retried, written, now, options)
            : SessionOperationLog.PruneRetried(retried, now, options);

    private async Task WriteAsync(SessionRecord next)
    {
        try
        {
            await StoreAsync(next, publish: true);
        }
        catch (Exception exception)
        {
            log.WriteFailed(exception);
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

        readers.AcceptStored(next, publish);
    }
}
