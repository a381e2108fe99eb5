namespace SessionGrains.Server;

/// <summary>Silo-side settings of SessionGrains, set through <see cref="SessionGrainsSiloBuilderExtensions.AddSessionGrains"/>.</summary>
public sealed class SessionSiloOptions
{
    /// <summary>The default <see cref="StorageName"/>.</summary>
    public const string DefaultStorageName = "sessions";

    /// <summary>The name of the Orleans grain storage provider that holds session records. Defaults to "sessions".</summary>
    public string StorageName { get; set; } = DefaultStorageName;

    /// <summary>
    /// Largest total size of a session's data: the UTF-8 bytes of every key plus every value. Defaults to 256 KiB, which
    /// stays under Azure Table storage's ~950 KB entity cap after base64 and JSON encoding.
    /// </summary>
    public int MaxSessionBytes { get; set; } = 256 * 1024;

    /// <summary>Largest number of keys in a session. Defaults to 1,024.</summary>
    public int MaxKeys { get; set; } = 1024;

    /// <summary>Longest key, in characters. Defaults to 256.</summary>
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>
    /// How stale the stored last-access time may get before an access writes it. Accesses update the last-access
    /// time in memory; storage is written when data changes, on graceful deactivation, or when the stored value is
    /// older than this interval (capped at a quarter of the session's idle timeout). A silo crash can therefore make a
    /// session expire at most this much early. Defaults to 1 minute.
    /// </summary>
    public TimeSpan TouchWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an idle session activation stays in memory. Defaults to 2 minutes: long enough that a user's next
    /// page view usually finds the session in memory, short enough that abandoned sessions leave memory quickly
    /// (Orleans' own default is 15 minutes). Must exceed Orleans' collection quantum (1 minute by default).
    /// </summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each expiry sweeper reads its shard's due entries from the expiry index (<see cref="ISessionExpiryIndex"/>)
    /// and has their grains check themselves: an inactive session is deleted at most about this long after it expires.
    /// Defaults to 30 seconds. Each sweeper's reminder ticks at this period, or Orleans' minimum reminder period if longer.
    /// </summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many shards the expiry index has, each with its own sweeper grain and reminder. Defaults to 16. Raise it only:
    /// an entry found in its old shard moves to its key's new one, but shards beyond a lowered count are no longer swept.
    /// </summary>
    public int ExpiryIndexShards { get; set; } = 16;

    /// <summary>How many due entries one sweeper reads at a time. Defaults to 1,000.</summary>
    public int ExpirySweepPageSize { get; set; } = 1000;

    /// <summary>How many grains one sweeper checks at once. Defaults to 32.</summary>
    public int ExpirySweepConcurrency { get; set; } = 32;

    /// <summary>
    /// How often a user's session index (<see cref="IUserSessionsGrain"/>) that holds entries checks them against their
    /// sessions, dropping the ones whose end notification was lost; an emptied index deletes its record. Defaults to
    /// 10 minutes. The sweep comes through the expiry index, as sessions' expiry does.
    /// </summary>
    public TimeSpan UserIndexSweepPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most lifecycle events waiting for the silo's <see cref="ISessionLifecycleHandler"/>s; beyond it, new events
    /// are dropped and logged. Defaults to 10,000.
    /// </summary>
    public int EventQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The name of an Orleans stream provider to publish lifecycle events to, for other processes; null (the default)
    /// publishes none. Events go to the stream <see cref="EventStreamNamespace"/>/"all" with the same guarantee as
    /// handlers (<see cref="ISessionLifecycleHandler"/>).
    /// </summary>
    public string? EventStreamProvider { get; set; }

    /// <summary>The namespace of the lifecycle event stream. Defaults to "session-events".</summary>
    public string EventStreamNamespace { get; set; } = "session-events";

    /// <summary>How long one handler may take over one event before it is cancelled and the next one runs. Defaults to 10 seconds.</summary>
    public TimeSpan EventHandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether front ends co-hosted with this silo read active sessions without a grain call (see
    /// <see cref="ILocalSessionReader"/>). Writes always go through the grain. Defaults to true.
    /// </summary>
    public bool LocalReads { get; set; } = true;

    /// <summary>
    /// How long the grain remembers a write's operation ID, so that a front end's retry of it answers the stored result
    /// instead of applying the write twice. Must exceed the front ends' retry deadline (Session:Calls:RetryDeadline, 4 s by
    /// default). Defaults to 30 seconds.
    /// </summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most operation IDs a session remembers (its newest writes within <see cref="OperationRetention"/>). A retry is recognised when fewer than this
    /// many other writes reached the session since the original (20 concurrent increments on one session need 20).
    /// Defaults to 32.
    /// </summary>
    public int MaxRetainedOperations { get; set; } = 32;
}
