using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// The session API's log messages. Event IDs 1500-1599 belong to it. Session IDs never appear: they are bearer secrets.
internal static partial class SessionStoreApiLog
{
    [LoggerMessage(1500, LogLevel.Information, "The session store API is off: no token is configured (SessionStoreApi:Tokens:0).")]
    public static partial void Off(ILogger logger);

    [LoggerMessage(1501, LogLevel.Information, "The session store API is mapped under {PathPrefix} with {TokenCount} token(s).")]
    public static partial void Mapped(ILogger logger, string pathPrefix, int tokenCount);

    [LoggerMessage(1502, LogLevel.Warning, "A session store API call was refused: {Reason} bearer token (from {RemoteAddress}).")]
    public static partial void Unauthorized(ILogger logger, string reason, string? remoteAddress);

    [LoggerMessage(1503, LogLevel.Debug, "A session store API call was invalid ({Operation}): {Reason}")]
    public static partial void InvalidRequest(ILogger logger, string operation, string reason);

    [LoggerMessage(1504, LogLevel.Warning, "A session store API call ({Operation}) was answered {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string operation, int statusCode, string reason);

    [LoggerMessage(1505, LogLevel.Error, "A session store API call ({Operation}) failed; answering 500.")]
    public static partial void Failed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(1506, LogLevel.Debug, "A session store API lease stream opened ({DurationMs} ms leases).")]
    public static partial void LeaseStreamOpened(ILogger logger, long durationMs);

    [LoggerMessage(1507, LogLevel.Debug, "A session store API lease stream closed.")]
    public static partial void LeaseStreamClosed(ILogger logger);
}
