namespace SessionGrains.AspNetCore;

/// <summary>
/// This request's view of the session cookie (express-session's <c>req.session.cookie</c>), initialized from
/// <see cref="SessionCookieOptions"/>. Changing it changes the cookie sent with this response, and a change
/// makes the middleware send the cookie.
/// </summary>
public sealed class SessionCookie
{
    private readonly TimeProvider _clock;
    private DateTimeOffset? _expires;
    private TimeSpan? _originalMaxAge;

    internal SessionCookie(SessionCookieOptions options, TimeProvider clock)
    {
        _clock = clock;
        Path = options.Path;
        Domain = options.Domain;
        HttpOnly = options.HttpOnly;
        Secure = options.Secure;
        SameSite = options.SameSite;
        Priority = options.Priority;
        Partitioned = options.Partitioned;
        if (options.MaxAge is { } maxAge)
        {
            _originalMaxAge = maxAge;
            _expires = clock.GetUtcNow() + maxAge;
        }
        else
        {
            _expires = options.Expires;
            _originalMaxAge = _expires - clock.GetUtcNow();
        }
    }

    /// <summary>The cookie's expiry; null for a browser-session cookie. Setting it also sets <see cref="OriginalMaxAge"/> to the time remaining.</summary>
    public DateTimeOffset? Expires
    {
        get => _expires;
        set
        {
            _expires = value;
            _originalMaxAge = MaxAge;
            IsChanged = true;
        }
    }

    /// <summary>The time remaining until <see cref="Expires"/>; null for a browser-session cookie. Setting it sets both.</summary>
    public TimeSpan? MaxAge
    {
        get => _expires - _clock.GetUtcNow();
        set
        {
            _expires = _clock.GetUtcNow() + value;
            _originalMaxAge = value;
            IsChanged = true;
        }
    }

    /// <summary>The lifetime the cookie was given (the last MaxAge set); null for a browser-session cookie.</summary>
    public TimeSpan? OriginalMaxAge => _originalMaxAge;

    /// <summary>The Path attribute.</summary>
    public string Path { get; set; }

    /// <summary>The Domain attribute.</summary>
    public string? Domain { get; set; }

    /// <summary>The HttpOnly attribute.</summary>
    public bool HttpOnly { get; set; }

    /// <summary>The Secure policy.</summary>
    public SessionCookieSecure Secure { get; set; }

    /// <summary>The SameSite attribute.</summary>
    public SessionCookieSameSite SameSite { get; set; }

    /// <summary>The Priority attribute.</summary>
    public SessionCookiePriority Priority { get; set; }

    /// <summary>The Partitioned attribute.</summary>
    public bool Partitioned { get; set; }

    /// <summary>True once the app changed the expiry during this request.</summary>
    internal bool IsChanged { get; private set; }

    /// <summary>Restarts <see cref="Expires"/> from now with <see cref="OriginalMaxAge"/> (express-session's touch).</summary>
    internal void Touch()
    {
        if (_originalMaxAge is { } maxAge)
        {
            _expires = _clock.GetUtcNow() + maxAge;
        }
    }
}
