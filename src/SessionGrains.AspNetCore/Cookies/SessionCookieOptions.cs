namespace SessionGrains.AspNetCore;

/// <summary>The session cookie's attributes, as express-session's <c>cookie</c> option.</summary>
public sealed class SessionCookieOptions
{
    /// <summary>The cookie path; the middleware only handles requests under it (RFC 6265 path-match). Defaults to "/".</summary>
    public string Path { get; set; } = "/";

    /// <summary>The cookie domain. Null (default): the request host only.</summary>
    public string? Domain { get; set; }

    /// <summary>Hide the cookie from scripts. Defaults to true.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>The Secure attribute: False (default), True (the cookie is not sent over plain HTTP), or Auto (Secure when the request is HTTPS).</summary>
    public SessionCookieSecure Secure { get; set; } = SessionCookieSecure.False;

    /// <summary>Lifetime of the cookie from each response that sets it. Null (default): a browser-session cookie without Expires.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>A fixed expiry date for the cookie, used when <see cref="MaxAge"/> is not set.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The SameSite attribute. Defaults to Lax; Auto means None over HTTPS and Lax otherwise.</summary>
    public SessionCookieSameSite SameSite { get; set; } = SessionCookieSameSite.Lax;

    /// <summary>The Priority attribute (Low, Medium, High). Unset by default.</summary>
    public SessionCookiePriority Priority { get; set; } = SessionCookiePriority.Unspecified;

    /// <summary>The Partitioned attribute (CHIPS). Defaults to false.</summary>
    public bool Partitioned { get; set; }
}
