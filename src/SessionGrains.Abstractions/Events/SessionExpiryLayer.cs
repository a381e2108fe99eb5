namespace SessionGrains;

/// <summary>Which expiry layer found a session expired.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionExpiryLayer")]
public enum SessionExpiryLayer
{
    /// <summary>A call found the session expired and deleted it before answering.</summary>
    OnAccess = 0,

    /// <summary>The grain timer of an active session fired at expiry.</summary>
    Timer = 1,

    /// <summary>
    /// A per-session reminder registered by SessionGrains 1.0 activated the grain of an inactive session (its
    /// first tick moves the session into the expiry index and removes the reminder).
    /// </summary>
    Reminder = 2,

    /// <summary>An expiry sweeper found the session's entry in the expiry index due and asked its grain to check itself.</summary>
    Sweep = 3,
}
