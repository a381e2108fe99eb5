using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// One session's log: every message names the session by its tag, never its ID (a bearer secret). The grain makes one
/// and hands it to its collaborators. Event IDs 1000-1099 belong to this class.
/// </summary>
internal sealed partial class SessionGrainLog(ILogger logger, string sessionTag)
{
    public string SessionTag => sessionTag;

    public void Created(TimeSpan idleTimeout, DateTimeOffset? absoluteExpiresAt) => Created(logger, sessionTag, idleTimeout, absoluteExpiresAt);

    public void Expired(DateTimeOffset expiresAt, SessionExpiryLayer layer) => Expired(logger, sessionTag, expiresAt, layer);

    public void Destroyed() => Destroyed(logger, sessionTag);

    public void Regenerated() => Regenerated(logger, sessionTag);

    public void ChangeRefused(string? error) => ChangeRefused(logger, sessionTag, error);

    public void TouchWriteFailed(Exception exception) => TouchWriteFailed(logger, sessionTag, exception);

    public void ReminderUnregisterFailed(Exception exception) => ReminderUnregisterFailed(logger, sessionTag, exception);

    public void WriteFailed(Exception exception) => WriteFailed(logger, sessionTag, exception);

    public void OperationRepeated(Guid operationId) => OperationRepeated(logger, sessionTag, operationId);

    public void EndedForUser(SessionEndReason reason) => EndedForUser(logger, sessionTag, reason);

    public void ExpiryEntryUpdateFailed(Exception exception) => ExpirySweepLog.EntryUpdateFailed(logger, sessionTag, exception);

    [LoggerMessage(1000, LogLevel.Debug, "Session {SessionTag} created (idle timeout {IdleTimeout}, absolute expiry {AbsoluteExpiresAt}).")]
    private static partial void Created(ILogger logger, string sessionTag, TimeSpan idleTimeout, DateTimeOffset? absoluteExpiresAt);

    [LoggerMessage(1001, LogLevel.Debug, "Session {SessionTag} expired at {ExpiresAt} and was deleted by the {Layer} layer.")]
    private static partial void Expired(ILogger logger, string sessionTag, DateTimeOffset expiresAt, SessionExpiryLayer layer);

    [LoggerMessage(1002, LogLevel.Debug, "Session {SessionTag} destroyed.")]
    private static partial void Destroyed(ILogger logger, string sessionTag);

    [LoggerMessage(1003, LogLevel.Debug, "Session {SessionTag} regenerated; its data moved to a new session.")]
    private static partial void Regenerated(ILogger logger, string sessionTag);

    [LoggerMessage(1004, LogLevel.Information, "Session {SessionTag} refused a change: {Error}")]
    private static partial void ChangeRefused(ILogger logger, string sessionTag, string? error);

    [LoggerMessage(1005, LogLevel.Warning, "Session {SessionTag}: writing the last-access time failed; it stays in memory and is retried on a later access.")]
    private static partial void TouchWriteFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Session {SessionTag}: unregistering the expiry reminder failed; its next tick removes it.")]
    private static partial void ReminderUnregisterFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1007, LogLevel.Error, "Session {SessionTag}: writing the session record failed; the change was not applied.")]
    private static partial void WriteFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1008, LogLevel.Information, "Session {SessionTag}: operation {OperationId} was applied already; answered its stored result (a retry).")]
    private static partial void OperationRepeated(ILogger logger, string sessionTag, Guid operationId);

    [LoggerMessage(1009, LogLevel.Debug, "Session {SessionTag} ended: {Reason} through its user's session list.")]
    private static partial void EndedForUser(ILogger logger, string sessionTag, SessionEndReason reason);

    [LoggerMessage(1010, LogLevel.Warning, "The session event queue is full: the {Kind} event of session {SessionTag} was dropped.")]
    public static partial void EventDropped(ILogger logger, SessionEventKind kind, string sessionTag);

    [LoggerMessage(1011, LogLevel.Warning, "Session lifecycle handler {Handler} failed on a {Kind} event; the event is not retried.")]
    public static partial void EventHandlerFailed(ILogger logger, string handler, SessionEventKind kind, Exception exception);
}
