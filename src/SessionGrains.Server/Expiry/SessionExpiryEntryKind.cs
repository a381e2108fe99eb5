namespace SessionGrains.Server;

/// <summary>Which grain an expiry index entry belongs to; each kind has its own entries in every shard.</summary>
public enum SessionExpiryEntryKind
{
    /// <summary>A session (<see cref="SessionGrain"/>), due when it may have expired.</summary>
    Session = 0,

    /// <summary>A user's session index (<see cref="UserSessionsGrain"/>), due at its next sweep.</summary>
    UserIndex = 1,
}
