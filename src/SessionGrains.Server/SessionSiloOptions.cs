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
    /// fits Azure Table storage's entity cap after base64 and JSON encoding.
    /// </summary>
    public int MaxSessionBytes { get; set; } = 256 * 1024;

    /// <summary>Largest number of keys in a session. Defaults to 1,024.</summary>
    public int MaxKeys { get; set; } = 1024;

    /// <summary>Longest key, in characters. Defaults to 256.</summary>
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>
    /// How stale the stored last-access time may get before an access writes it (capped at a quarter of the session's
    /// idle timeout); a silo crash can make a session expire at most this much early. Defaults to 1 minute.
    /// </summary>
    public TimeSpan TouchWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an idle session activation stays in memory. Defaults to 2 minutes (Orleans' own default is 15). Must
    /// exceed Orleans' collection quantum.
    /// </summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each expiry sweeper reads its shard's due entries (<see cref="ISessionExpiryIndex"/>): an inactive
    /// session is deleted at most about this long after it expires. Defaults to 30 seconds.
    /// </summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many shards the expiry index has, each with its own sweeper. Defaults to 16. Raise it only: shards beyond a
    /// lowered count are no longer swept.
    /// </summary>
    public int ExpiryIndexShards { get; set; } = 16;

    /// <summary>How many due entries one sweeper reads at a time. Defaults to 1,000.</summary>
    public int ExpirySweepPageSize { get; set; } = 1000;

    /// <summary>How many grains one sweeper checks at once. Defaults to 32.</summary>
    public int ExpirySweepConcurrency { get; set; } = 32;

    /// <summary>
    /// How often a user's session index (<see cref="IUserSessionsGrain"/>) checks its entries against their sessions,
    /// dropping the ones whose end notification was lost. Defaults to 10 minutes.
    /// </summary>
    public TimeSpan UserIndexSweepPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most lifecycle events waiting for the handlers; beyond it, new events are dropped and logged. Defaults to 10,000.</summary>
    public int EventQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The Orleans stream provider to publish lifecycle events to, on the stream <see cref="EventStreamNamespace"/>/
    /// <see cref="SessionGrainNames.EventStreamKey"/>; null (the default) publishes none.
    /// </summary>
    public string? EventStreamProvider { get; set; }

    /// <summary>The namespace of the lifecycle event stream. Defaults to "session-events".</summary>
    public string EventStreamNamespace { get; set; } = "session-events";

    /// <summary>How long one handler may take over one event before it is cancelled. Defaults to 10 seconds.</summary>
    public TimeSpan EventHandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether front ends co-hosted with this silo read active sessions without a grain call (<see cref="ILocalSessionReader"/>). Defaults to true.</summary>
    public bool LocalReads { get; set; } = true;

    /// <summary>
    /// How long the grain remembers a write's operation ID, so that a retry answers the stored result, and the response
    /// recorded for a request with an <c>Idempotency-Key</c>. Must exceed the time within which HTTP clients retry with
    /// the same key, and is at least <see cref="SessionOperationWindow.MinRetention"/> (25 seconds), within which every
    /// retry of a write arrives. Defaults to 30 seconds.
    /// </summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most operation IDs a session remembers of its newest writes: a retry is recognised while fewer than this many other
    /// writes reached the session since the original. Writes whose caller marked an attempt as a retry
    /// (<see cref="SessionOperationWindow.RetriedContextKey"/>) are remembered for <see cref="OperationRetention"/>
    /// whatever the count. Defaults to 32.
    /// </summary>
    public int MaxRetainedOperations { get; set; } = 32;

    /// <summary>
    /// Most responses to requests with an <c>Idempotency-Key</c> a session keeps (its newest), within the room its data
    /// leaves under <see cref="MaxSessionBytes"/>. Defaults to 16; 0 records none (a retry then runs again, and its
    /// session writes still apply once).
    /// </summary>
    public int MaxRecordedResponses { get; set; } = 16;
}
