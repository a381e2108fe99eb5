namespace SessionGrains.AspNetCore;

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
