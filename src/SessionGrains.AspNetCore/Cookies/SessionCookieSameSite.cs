namespace SessionGrains.AspNetCore;

/// <summary>The session cookie's SameSite attribute.</summary>
public enum SessionCookieSameSite
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
