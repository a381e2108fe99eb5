using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>Options of the session middleware, named and defaulted as express-session's; all but <see cref="IdGenerator"/> bind from configuration.</summary>
public sealed class SessionFrontEndOptions
{
    /// <summary>
    /// Secrets for signing the session cookie (required). The first signs, every one verifies: rotate by putting the new
    /// one first, and cookies signed with an older one are re-signed.
    /// </summary>
    public string[] Secrets { get; set; } = [];

    /// <summary>The cookie name. Defaults to express-session's "connect.sid".</summary>
    public string Name { get; set; } = "connect.sid";

    /// <summary>Save the session on every request that loaded it, even if unchanged (a touch call). Defaults to false.</summary>
    public bool Resave { get; set; }

    /// <summary>Save (and send the cookie of) a new session that the request did not modify. Defaults to false.</summary>
    public bool SaveUninitialized { get; set; }

    /// <summary>Send the cookie on every response of a session the request presented, sliding its expiry. Defaults to false.</summary>
    public bool Rolling { get; set; }

    /// <summary>
    /// How to tell that a request is HTTPS, for Secure cookies. Null (default): <c>Request.IsHttps</c> (as ForwardedHeaders
    /// sets it). True: the first X-Forwarded-Proto value or direct TLS. False: only direct TLS.
    /// </summary>
    public bool? Proxy { get; set; }

    /// <summary>What happens when the app replaces or removes <c>HttpContext.Session</c> during the request. Defaults to Keep.</summary>
    public SessionUnset Unset { get; set; } = SessionUnset.Keep;

    /// <summary>The session cookie's attributes.</summary>
    public SessionCookieOptions Cookie { get; set; } = new();

    /// <summary>Per-call deadline and retries of session grain calls when the cluster fails.</summary>
    public SessionCallOptions Calls { get; set; } = new();

    /// <summary>Requests with an <c>Idempotency-Key</c> header: which endpoints honour it, and how long claims and recorded bodies are.</summary>
    public SessionIdempotencyOptions IdempotencyKeys { get; set; } = new();

    /// <summary>Sessions bound to users: the per-user limit and the device information recorded.</summary>
    public UserSessionOptions Users { get; set; } = new();

    /// <summary>The server-side idle timeout: the session ends this long after its last access. Defaults to 20 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>An optional server-side absolute lifetime: the session ends this long after creation, however active.</summary>
    public TimeSpan? AbsoluteTimeout { get; set; }

    /// <summary>
    /// Load the session before the app runs when the request presents a valid session ID. Defaults to true, so that
    /// ISession's synchronous members never block a thread on a cluster call. Set false when every endpoint awaits
    /// <c>HttpContext.Session.LoadAsync()</c> first: requests that never use the session then make no grain call.
    /// </summary>
    public bool Preload { get; set; } = true;

    /// <summary>
    /// How long a cluster-client front end serves a session it loaded from its own cache (the grain invalidates it before
    /// acknowledging any other change). Defaults to 1 second; zero turns the cache off; at most 10 seconds.
    /// </summary>
    public TimeSpan ReadLease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A header that carries the signed session ID for clients without cookies (e.g. "X-Session-Id"), read before cookies; null (default) for none.</summary>
    public string? HeaderName { get; set; }

    /// <summary>Makes session IDs; null (default): <see cref="SessionIdGenerator.NewId"/>. IDs from the client never name a new session.</summary>
    public Func<HttpContext, string>? IdGenerator { get; set; }
}
