using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>A session operation failed; the middleware answers with <see cref="StatusCode"/> when the response has not started.</summary>
public abstract class SessionStoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status the failure maps to.</summary>
    public abstract int StatusCode { get; }
}

/// <summary>The session cluster could not be reached or failed; answered with 503. Nothing of the request's changes is assumed stored.</summary>
public sealed class SessionUnavailableException(string message, Exception? inner = null) : SessionStoreException(message, inner)
{
    /// <inheritdoc />
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
}

/// <summary>A change would exceed a session limit (bytes, keys, key length); answered with 413. Nothing of the change was stored.</summary>
public sealed class SessionLimitExceededException(string message) : SessionStoreException(message)
{
    /// <inheritdoc />
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;
}

/// <summary>The user has the most sessions allowed and new ones are refused (<see cref="UserSessionLimitPolicy.RefuseNewSession"/>); answered with 409.</summary>
public sealed class UserSessionLimitReachedException(string message) : SessionStoreException(message)
{
    /// <inheritdoc />
    public override int StatusCode => StatusCodes.Status409Conflict;
}
