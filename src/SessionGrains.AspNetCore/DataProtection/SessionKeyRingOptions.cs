namespace SessionGrains.AspNetCore;

/// <summary>
/// Where <c>PersistKeysToSessionGrains</c> keeps the Data Protection key ring, and how long a read or store of it may
/// take. Data Protection reads the ring at start-up, then about once a day (and once after creating a key).
/// </summary>
public sealed class SessionKeyRingOptions
{
    /// <summary>The default <see cref="KeyRingName"/>.</summary>
    public const string DefaultKeyRingName = "default";

    /// <summary>
    /// The key ring's name: the key of its grain (<see cref="IDataProtectionKeyRingGrain"/>). Hosts that share a name share
    /// the keys. Defaults to "default".
    /// </summary>
    public string KeyRingName { get; set; } = DefaultKeyRingName;

    /// <summary>How long one attempt may take before it is cancelled and retried. Defaults to 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The time one read or store may spend over all its attempts and the pauses between them (100 ms doubling to 2 s);
    /// then it fails with <see cref="SessionUnavailableException"/>. While the host is starting, every failure is retried
    /// (the cluster client may still be connecting); once it has started, only the cluster's transient failures are.
    /// Defaults to 10 seconds.
    /// </summary>
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(10);
}
