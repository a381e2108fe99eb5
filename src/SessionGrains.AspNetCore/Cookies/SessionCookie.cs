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
    private string _path;
    private string? _domain;
    private bool _httpOnly;
    private SessionCookieSecure _secure;
    private SessionCookieSameSite _sameSite;
    private SessionCookiePriority _priority;
    private bool _partitioned;

    internal SessionCookie(SessionCookieOptions options, TimeProvider clock)
    {
        _clock = clock;
        _path = options.Path;
        _domain = options.Domain;
        _httpOnly = options.HttpOnly;
        _secure = options.Secure;
        _sameSite = options.SameSite;
        _priority = options.Priority;
        _partitioned = options.Partitioned;
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
    public string Path
    {
        get => _path;
        set => Change(ref _path, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The Domain attribute.</summary>
    public string? Domain
    {
        get => _domain;
        set => Change(ref _domain, value);
    }

    /// <summary>The HttpOnly attribute.</summary>
    public bool HttpOnly
    {
        get => _httpOnly;
        set => Change(ref _httpOnly, value);
    }

    /// <summary>The Secure policy.</summary>
    public SessionCookieSecure Secure
    {
        get => _secure;
        set => Change(ref _secure, value);
    }

    /// <summary>The SameSite attribute.</summary>
    public SessionCookieSameSite SameSite
    {
        get => _sameSite;
        set => Change(ref _sameSite, value);
    }

    /// <summary>The Priority attribute.</summary>
    public SessionCookiePriority Priority
    {
        get => _priority;
        set => Change(ref _priority, value);
    }

    /// <summary>The Partitioned attribute.</summary>
    public bool Partitioned
    {
        get => _partitioned;
        set => Change(ref _partitioned, value);
    }

    /// <summary>True once the app changed an attribute during this request: the response then sends the cookie.</summary>
    internal bool IsChanged { get; private set; }

    /// <summary>Restarts <see cref="Expires"/> from now with <see cref="OriginalMaxAge"/> (express-session's touch).</summary>
    internal void Touch()
    {
        if (_originalMaxAge is { } maxAge)
        {
            _expires = _clock.GetUtcNow() + maxAge;
        }
    }

    private void Change<T>(ref T field, T value)
    {
        if (!EqualityComparer<T>.Default.Equals(field, value))
        {
            field = value;
            IsChanged = true;
        }
    }
}
