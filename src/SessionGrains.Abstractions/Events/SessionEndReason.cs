namespace SessionGrains;

/// <summary>Why a session ended.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionEndReason")]
public enum SessionEndReason
{
    /// <summary>The app destroyed it (logout).</summary>
    Destroyed = 0,

    /// <summary>Its idle or absolute expiry passed.</summary>
    Expired = 1,

    /// <summary>It was regenerated: its data and binding moved to a new session ID.</summary>
    Regenerated = 2,

    /// <summary>Its user (or an administrator) revoked it through the user's session list.</summary>
    Revoked = 3,

    /// <summary>The per-user session limit ended it to make room for a newer login.</summary>
    Evicted = 4,
}
