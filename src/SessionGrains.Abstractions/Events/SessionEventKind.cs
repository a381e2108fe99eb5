namespace SessionGrains;

/// <summary>What happened to a session (see <see cref="SessionLifecycleEvent"/>).</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionEventKind")]
public enum SessionEventKind
{
    /// <summary>The session was created (also the new session of a regeneration).</summary>
    Created = 0,

    /// <summary>The session was bound to a user (<see cref="SessionLifecycleEvent.UserId"/>).</summary>
    UserBound = 1,

    /// <summary>The session was unbound from a user, or bound to another one.</summary>
    UserUnbound = 2,

    /// <summary>The session moved to a new ID (<see cref="SessionLifecycleEvent.NewSessionTag"/>) and ended under the old one.</summary>
    Regenerated = 3,

    /// <summary>The app destroyed the session.</summary>
    Destroyed = 4,

    /// <summary>The session expired; <see cref="SessionLifecycleEvent.ExpiryLayer"/> says which layer noticed.</summary>
    Expired = 5,

    /// <summary>The session was revoked through its user's session list.</summary>
    Revoked = 6,

    /// <summary>The per-user session limit ended the session.</summary>
    Evicted = 7,
}
