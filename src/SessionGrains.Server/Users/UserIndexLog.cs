using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>Log messages of users' session indexes. Event IDs 1200-1299 belong to them; user IDs are never logged.</summary>
internal static partial class UserIndexLog
{
    [LoggerMessage(1200, LogLevel.Debug, "A user's session index dropped {Count} entries whose sessions had ended ({Trigger}).")]
    public static partial void EntriesDropped(ILogger logger, int count, string trigger);

    [LoggerMessage(1201, LogLevel.Information, "A user reached the limit of {MaxSessions} sessions: {Count} least recently used ended.")]
    public static partial void Evicted(ILogger logger, int maxSessions, int count);

    [LoggerMessage(1202, LogLevel.Information, "A user reached the limit of {MaxSessions} sessions: the new binding was refused.")]
    public static partial void BindingRefused(ILogger logger, int maxSessions);

    [LoggerMessage(1203, LogLevel.Debug, "A user revoked {Count} sessions.")]
    public static partial void Revoked(ILogger logger, int count);
}
