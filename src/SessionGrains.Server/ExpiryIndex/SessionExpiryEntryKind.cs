namespace SessionGrains.Server;

/// <summary>Which grain an expiry index entry belongs to; each kind has its own entries in every shard.</summary>
public enum SessionExpiryEntryKind
{
    /// <summary>A session (grain type <see cref="SessionGrainNames.SessionGrainType"/>), due when it may have expired.</summary>
    Session = 0,

    /// <summary>A user's session index (grain type <see cref="SessionGrainNames.UserIndexGrainType"/>), due at its next sweep.</summary>
    UserIndex = 1,
}
