namespace SessionGrains.AspNetCore;

/// <summary>When the session cookie carries the Secure attribute.</summary>
public enum SessionCookieSecure
{
    /// <summary>Never.</summary>
    False,

    /// <summary>Always; the cookie is then not sent in responses to plain HTTP requests (the session is still saved).</summary>
    True,

    /// <summary>When the request is HTTPS (see <see cref="GrainSessionOptions.Proxy"/>).</summary>
    Auto,
}

/// <summary>The session cookie's SameSite attribute.</summary>
public enum SessionSameSite
{
    /// <summary>SameSite=None.</summary>
    None,

    /// <summary>SameSite=Lax (the default).</summary>
    Lax,

    /// <summary>SameSite=Strict.</summary>
    Strict,

    /// <summary>None over HTTPS, Lax otherwise.</summary>
    Auto,
}

/// <summary>The session cookie's Priority attribute.</summary>
public enum SessionCookiePriority
{
    /// <summary>No Priority attribute.</summary>
    Unspecified,

    /// <summary>Priority=Low.</summary>
    Low,

    /// <summary>Priority=Medium.</summary>
    Medium,

    /// <summary>Priority=High.</summary>
    High,
}

/// <summary>What happens to the stored session when the app unsets <c>HttpContext.Session</c> (express-session's <c>unset</c>).</summary>
public enum SessionUnset
{
    /// <summary>The stored session is kept; this request's changes are not saved.</summary>
    Keep,

    /// <summary>The stored session is destroyed when the response starts.</summary>
    Destroy,
}
