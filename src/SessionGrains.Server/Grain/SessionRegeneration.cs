namespace SessionGrains.Server;

/// <summary>
/// Moves a live session to a new ID: the new session is created with the data and the user binding, then this one ends
/// as moved. Its readers are withdrawn first, so they wait for the outcome too.
/// </summary>
internal sealed class SessionRegeneration(
    SessionRecordWriter writer, SessionReaders readers, SessionLifetime lifetime, SessionEventDispatcher events, SessionGrainLog log)
{
    /// <summary>On failure this session stays as it was.</summary>
    public async Task<SessionWriteResult> MoveAsync(
        ISessionGrain newSession, string newSessionId, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        await readers.WithdrawAsync();
        var created = await newSession.CreateAsync(timeouts, new SessionChangeSet { Clear = true, Sets = data }, operationId);
        var user = writer.Record.User;
        if (created.Succeeded && user is not null)
        {
            created = await newSession.BindUserAsync(user); // the binding and its handle move too (a retry binds again)
        }

        if (created.Succeeded)
        {
            await lifetime.DeleteAsync(movedTo: newSessionId);
            log.Regenerated();
            events.Raise(SessionEventKind.Regenerated, log.SessionTag, user, newSessionId: newSessionId);
        }
        else
        {
            readers.Publish(writer.Record);
        }

        return created;
    }

    /// <summary>A retry that finds this session gone answers the new session's record of the same move.</summary>
    public static async Task<SessionWriteResult> FindMovedAsync(ISessionGrain newSession, Guid operationId)
        => operationId != Guid.Empty && await newSession.FindOperationAsync(operationId) is { } moved
            ? moved
            : new(SessionWriteStatus.NoSession);
}
