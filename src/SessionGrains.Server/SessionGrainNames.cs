namespace SessionGrains.Server;

/// <summary>
/// The names SessionGrains gives its grains, their stored state and their reminders, as they appear in storage, reminder
/// tables and dashboards. They are part of the storage format: they never change.
/// </summary>
public static class SessionGrainNames
{
    /// <summary>The grain type of a session; storage keys and reminder rows are derived from it.</summary>
    public const string SessionGrainType = "session";

    /// <summary>The state name of a session's record in the storage provider.</summary>
    public const string SessionState = "session";

    /// <summary>The per-session reminder of SessionGrains 1.0; its next tick removes it.</summary>
    public const string SessionReminder = "session-expiry";

    /// <summary>The grain type of a user's session index.</summary>
    public const string UserIndexGrainType = "user-sessions";

    /// <summary>The state name of a user's session index in the storage provider.</summary>
    public const string UserIndexState = "user-sessions";

    /// <summary>The sweep reminder of a user's session index in SessionGrains 1.0; its next tick removes it.</summary>
    public const string UserIndexReminder = "user-sessions-sweep";

    /// <summary>The grain type of an expiry index shard's sweeper.</summary>
    public const string ExpirySweeperGrainType = "session-expiry-sweeper";

    /// <summary>The reminder of an expiry index shard's sweeper, one per shard.</summary>
    public const string ExpirySweeperReminder = "expiry-sweep";

    /// <summary>The grain type of a shard of the in-memory expiry index.</summary>
    public const string MemoryExpiryIndexGrainType = "session-expiry-memory-index";

    /// <summary>The grain type of an ASP.NET Core Data Protection key ring (<see cref="IDataProtectionKeyRingGrain"/>).</summary>
    public const string DataProtectionKeyRingGrainType = "data-protection-key-ring";

    /// <summary>The state name of a Data Protection key ring in the storage provider.</summary>
    public const string DataProtectionKeyRingState = "data-protection-key-ring";

    /// <summary>The key of the lifecycle event stream, in <see cref="SessionSiloOptions.EventStreamNamespace"/>.</summary>
    public const string EventStreamKey = "all";
}
