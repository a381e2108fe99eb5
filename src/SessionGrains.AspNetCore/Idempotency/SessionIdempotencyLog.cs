using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// The log messages of requests with an Idempotency-Key. Event IDs 1700-1799 belong to it. Keys and session IDs never appear.
internal static partial class SessionIdempotencyLog
{
    [LoggerMessage(1700, LogLevel.Debug, "An Idempotency-Key header was refused (400): {Reason}.")]
    public static partial void KeyRefused(ILogger logger, string reason);

    [LoggerMessage(1701, LogLevel.Debug, "A request with an Idempotency-Key was answered its recorded response (status {StatusCode}).")]
    public static partial void Replayed(ILogger logger, int statusCode);

    [LoggerMessage(1702, LogLevel.Debug, "A request with an Idempotency-Key arrived while another attempt with the key ran; answered 409.")]
    public static partial void InFlight(ILogger logger);

    [LoggerMessage(1703, LogLevel.Information, "An Idempotency-Key was reused with a different request; answered 422.")]
    public static partial void KeyReused(ILogger logger);

    [LoggerMessage(1704, LogLevel.Debug, "The response to a request with an Idempotency-Key was not recorded: {Reason}. A retry runs the request again; its session writes apply once.")]
    public static partial void NotRecorded(ILogger logger, string reason);

    [LoggerMessage(1705, LogLevel.Warning, "Recording, renewing or releasing the claim of a request with an Idempotency-Key failed; a retry runs the request again and its session writes apply once.")]
    public static partial void ClaimCallFailed(ILogger logger, Exception exception);
}
