using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// The front end's log messages. Event IDs 1100-1199 belong to it.
internal static partial class SessionFrontEndLog
{
    [LoggerMessage(1100, LogLevel.Error, "A call to the session cluster failed after {Attempts} attempt(s); answering 503.")]
    public static partial void ClusterCallFailed(ILogger logger, int attempts, Exception exception);

    [LoggerMessage(1101, LogLevel.Error, "The session could not be committed; answering {StatusCode}.")]
    public static partial void CommitFailed(ILogger logger, int statusCode, Exception exception);

    [LoggerMessage(1102, LogLevel.Debug, "A session cookie or header failed verification and was ignored.")]
    public static partial void SignatureRejected(ILogger logger);

    [LoggerMessage(1103, LogLevel.Debug, "A Secure session cookie was not sent over an insecure request.")]
    public static partial void SecureCookieNotSent(ILogger logger);

    [LoggerMessage(1104, LogLevel.Warning, "The session ended (destroyed elsewhere or expired) while this request changed it; its changes were not saved and the cookie was cleared.")]
    public static partial void SessionEndedDuringRequest(ILogger logger);

    [LoggerMessage(1105, LogLevel.Warning, "A session secret is shorter than 32 characters; use a long random secret.")]
    public static partial void ShortSecret(ILogger logger);

    [LoggerMessage(1106, LogLevel.Debug, "Attempt {Attempt} of a session grain call failed ({Failure}); retrying in {Pause}.")]
    public static partial void CallRetried(ILogger logger, int attempt, TimeSpan pause, string failure);
}
