namespace SessionGrains.AspNetCore;

/// <summary>When the session cookie carries the Secure attribute.</summary>
public enum SessionCookieSecure
{
    /// <summary>Never.</summary>
    False,

    /// <summary>Always; the cookie is then not sent in responses to plain HTTP requests (the session is still saved).</summary>
    True,

    /// <summary>When the request is HTTPS (see <see cref="SessionFrontEndOptions.Proxy"/>).</summary>
    Auto,
}
