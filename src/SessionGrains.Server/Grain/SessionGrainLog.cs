using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>Log messages of the session grain. Event IDs 1000-1099 belong to it.</summary>
internal static partial class SessionGrainLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Session {SessionTag} created (idle timeout {IdleTimeout}, absolute expiry {AbsoluteExpiresAt}).")]
    public static partial void Created(ILogger logger, string sessionTag, TimeSpan idleTimeout, DateTimeOffset? absoluteExpiresAt);

    [LoggerMessage(1001, LogLevel.Debug, "Session {SessionTag} expired at {ExpiresAt} and was deleted by the {Layer} layer.")]
    public static partial void Expired(ILogger logger, string sessionTag, DateTimeOffset expiresAt, SessionExpiryLayer layer);

    [LoggerMessage(1002, LogLevel.Debug, "Session {SessionTag} destroyed.")]
    public static partial void Destroyed(ILogger logger, string sessionTag);

    [LoggerMessage(1003, LogLevel.Debug, "Session {SessionTag} regenerated; its data moved to a new session.")]
    public static partial void Regenerated(ILogger logger, string sessionTag);

    [LoggerMessage(1004, LogLevel.Information, "Session {SessionTag} refused a change: {Error}")]
    public static partial void ChangeRefused(ILogger logger, string sessionTag, string? error);

    [LoggerMessage(1005, LogLevel.Warning, "Session {SessionTag}: writing the last-access time failed; it stays in memory and is retried on a later access.")]
    public static partial void TouchWriteFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Session {SessionTag}: unregistering the expiry reminder failed; its next tick removes it.")]
    public static partial void ReminderUnregisterFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1007, LogLevel.Error, "Session {SessionTag}: writing the session record failed; the change was not applied.")]
    public static partial void WriteFailed(ILogger logger, string sessionTag, Exception exception);

    [LoggerMessage(1008, LogLevel.Information, "Session {SessionTag}: operation {OperationId} was applied already; answered its stored result (a retry).")]
    public static partial void OperationRepeated(ILogger logger, string sessionTag, Guid operationId);

    [LoggerMessage(1009, LogLevel.Debug, "Session {SessionTag} ended: {Reason} through its user's session list.")]
    public static partial void EndedForUser(ILogger logger, string sessionTag, SessionEndReason reason);

    [LoggerMessage(1010, LogLevel.Warning, "The session event queue is full: the {Kind} event of session {SessionTag} was dropped.")]
    public static partial void EventDropped(ILogger logger, SessionEventKind kind, string sessionTag);

    [LoggerMessage(1011, LogLevel.Warning, "Session lifecycle handler {Handler} failed on a {Kind} event; the event is not retried.")]
    public static partial void EventHandlerFailed(ILogger logger, string handler, SessionEventKind kind, Exception exception);
}
