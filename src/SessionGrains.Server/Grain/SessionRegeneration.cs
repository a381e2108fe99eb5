using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// Moves a live session to a new ID (regenerate): the new session is created with the carried data and the user binding,
/// then this one ends as moved. The grain does not interleave, so nothing reads or changes this session meanwhile; its
/// local copies and read leases are withdrawn first, so their readers wait for the outcome too.
/// </summary>
internal sealed class SessionRegeneration(
    SessionRecordWriter writer, SessionCopies copies, SessionLifetime lifetime, SessionNotifier notifier, ILogger logger, string logId)
{
    /// <summary>
    /// Creates <paramref name="newSession"/> holding <paramref name="data"/> under <paramref name="operationId"/>, binds
    /// it to this session's user, and ends this session; on failure this session stays as it was.
    /// </summary>
    public async Task<SessionWriteResult> MoveAsync(
        ISessionGrain newSession, string newSessionId, SessionTimeouts timeouts, Dictionary<string, byte[]> data, Guid operationId)
    {
        await copies.WithdrawAsync();
        var created = await newSession.CreateAsync(timeouts, new SessionChangeSet { Clear = true, Sets = data }, operationId);
        var user = writer.Record.User;
        if (created.Succeeded && user is not null)
        {
            created = await newSession.BindUserAsync(user); // the binding and its handle move too (a retry binds again)
        }

        if (created.Succeeded)
        {
            await lifetime.DeleteAsync(movedTo: newSessionId);
            SessionGrainLog.Regenerated(logger, logId);
            notifier.Raise(SessionEventKind.Regenerated, user, newSessionId: newSessionId);
        }
        else
        {
            copies.Publish(writer.Record);
        }

        return created;
    }

    /// <summary>The outcome of a retry that finds this session gone: the new session's record of the same move, if any.</summary>
    public static async Task<SessionWriteResult> FindMovedAsync(ISessionGrain newSession, Guid operationId)
        => operationId != Guid.Empty && await newSession.FindOperationAsync(operationId) is { } moved
            ? moved
            : new(SessionWriteStatus.NoSession);
}
