using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Options of the SessionGrains middleware, named and defaulted as express-session's. Every property except
/// <see cref="IdGenerator"/> binds from configuration (section "Session" in the demo), durations as .NET TimeSpans.
/// </summary>
public sealed class SessionFrontEndOptions
{
    /// <summary>
    /// Secrets for signing the session cookie (required). The first signs; every one verifies, in order, so secrets can
    /// be rotated by putting the new one first. A cookie signed with an older secret is re-issued signed with the first.
    /// </summary>
    public string[] Secrets { get; set; } = [];

    /// <summary>The cookie name. Defaults to express-session's "connect.sid".</summary>
    public string Name { get; set; } = "connect.sid";

    /// <summary>
    /// Save the session on every request that loaded it, even if unchanged. Defaults to false. The grain owns expiry,
    /// so this only forces a touch call at the end of the request.
    /// </summary>
    public bool Resave { get; set; }

    /// <summary>Save (and send the cookie of) a new session that the request did not modify. Defaults to false.</summary>
    public bool SaveUninitialized { get; set; }

    /// <summary>Send the cookie on every response of a session the request presented, sliding its expiry. Defaults to false.</summary>
    public bool Rolling { get; set; }

    /// <summary>
    /// How to tell whether the request is HTTPS (for <see cref="SessionCookieSecure.Auto"/> and secure-only cookies).
    /// Null (default): <c>Request.IsHttps</c>, i.e. as rewritten by ForwardedHeaders. True: the first
    /// X-Forwarded-Proto value, or a direct TLS connection. False: only a direct TLS connection.
    /// </summary>
    public bool? Proxy { get; set; }

    /// <summary>What happens when the app replaces or removes <c>HttpContext.Session</c> during the request. Defaults to Keep.</summary>
    public SessionUnset Unset { get; set; } = SessionUnset.Keep;

    /// <summary>The session cookie's attributes.</summary>
    public SessionCookieOptions Cookie { get; set; } = new();

    /// <summary>Per-call deadline and retries of session grain calls when the cluster fails.</summary>
    public SessionCallOptions Calls { get; set; } = new();

    /// <summary>Sessions bound to users: the per-user limit and the device information recorded.</summary>
    public UserSessionOptions Users { get; set; } = new();

    /// <summary>The server-side idle timeout: the session ends this long after its last access. Defaults to 20 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>An optional server-side absolute lifetime: the session ends this long after creation, however active.</summary>
    public TimeSpan? AbsoluteTimeout { get; set; }

    /// <summary>
    /// Load the session before the app runs when the request presents a validly signed session ID. Defaults to true, so
    /// that ISession's synchronous members (GetString, SetInt32, ...) never block a thread on a cluster call: blocking
    /// thread-pool threads on async I/O starves the pool under load. It also slides the session's idle expiry on every
    /// request that presents it, as express-session does. Set false when every endpoint awaits
    /// <c>HttpContext.Session.LoadAsync()</c> (or uses GrainSession's async members) before synchronous access: requests
    /// that never touch the session then make no grain call. Requests without a valid cookie never make one either way.
    /// </summary>
    public bool Preload { get; set; } = true;

    /// <summary>
    /// How long a front end that reaches the cluster as a client serves a session it loaded from its own cache, without
    /// a grain call: the grain invalidates the cache before it acknowledges a change from anywhere else, and waits out the
    /// lease when this front end does not answer (at most this long). Within a lease, cached reads do not reach the
    /// grain, so idle expiry may count from up to this much before the last access. Defaults to 1 second; zero turns
    /// the cache off; at most 10 seconds. Front ends co-hosted with a silo read its active sessions locally instead.
    /// </summary>
    public TimeSpan ReadLease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opt-in header that carries the signed session ID for API clients without cookies (e.g. "X-Session-Id"). It is read
    /// before cookies, and set on responses whenever the cookie is. Null (default) disables it.
    /// </summary>
    public string? HeaderName { get; set; }

    /// <summary>
    /// Makes session IDs. Null (default): 24 bytes from a CSPRNG, base64url, 32 characters (express-session's uid-safe).
    /// IDs from the client are never used for a new session.
    /// </summary>
    public Func<HttpContext, string>? IdGenerator { get; set; }
}
