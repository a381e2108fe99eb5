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

    /// <summary>The durable reminder activated the grain of an inactive session.</summary>
    Reminder = 2,
}
