using SessionGrains.Server;

namespace SessionGrains.Web;

/// <summary>The demo's lifecycle handler: logs every session event (by tag, never by session ID).</summary>
internal sealed partial class DemoSessionEventLogger(ILogger<DemoSessionEventLogger> logger) : ISessionLifecycleHandler
{
    public Task HandleAsync(SessionLifecycleEvent sessionEvent, CancellationToken cancellationToken)
    {
        Log(logger, sessionEvent.Kind, sessionEvent.SessionTag, sessionEvent.UserId, sessionEvent.ExpiryLayer);
        return Task.CompletedTask;
    }

    [LoggerMessage(3000, LogLevel.Information, "Session event {Kind}: session {SessionTag}, user {UserId}, expiry layer {ExpiryLayer}.")]
    private static partial void Log(ILogger logger, SessionEventKind kind, string sessionTag, string? userId, SessionExpiryLayer? expiryLayer);
}
