using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// The Data Protection key ring's log messages. Event IDs 1800-1899 belong to it.
internal static partial class SessionKeyRingLog
{
    [LoggerMessage(1800, LogLevel.Error,
        "The Data Protection key ring '{KeyRing}' could not be {Operation} through the session cluster ({Attempts} attempt(s) in {Elapsed}): {Cause} Until it can, this host can neither protect nor read cookies and antiforgery tokens.")]
    public static partial void Unavailable(ILogger logger, string keyRing, string operation, int attempts, TimeSpan elapsed, string cause, Exception exception);

    [LoggerMessage(1801, LogLevel.Debug, "Attempt {Attempt} on the Data Protection key ring failed ({Failure}); retrying in {Pause}.")]
    public static partial void Retried(ILogger logger, int attempt, TimeSpan pause, string failure);

    [LoggerMessage(1802, LogLevel.Information, "Stored the element '{FriendlyName}' in the Data Protection key ring '{KeyRing}'.")]
    public static partial void Stored(ILogger logger, string? friendlyName, string keyRing);

    [LoggerMessage(1803, LogLevel.Debug, "Read {Count} element(s) of the Data Protection key ring '{KeyRing}'.")]
    public static partial void Read(ILogger logger, int count, string keyRing);

    [LoggerMessage(1804, LogLevel.Warning,
        "The Data Protection key ring '{KeyRing}' is empty, and the host that read it first has not stored its first key within {Elapsed}; the next read waits for it again.")]
    public static partial void FirstKeyNotStored(ILogger logger, string keyRing, TimeSpan elapsed);
}
