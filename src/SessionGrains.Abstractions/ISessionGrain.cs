using Orleans;
using Orleans.Concurrency;

namespace SessionGrains;

/// <summary>
/// One session, keyed by its session ID. The front end makes IDs (at least 128 bits from a CSPRNG); the grain never
/// invents one, and no call on a key without a live session creates a stored record.
/// </summary>
/// <remarks>
/// Every call checks expiry first: an expired session is deleted on the spot and answered as "no session".
/// Calls on one session are serialized, except <see cref="LoadAsync"/>, which interleaves with other loads.
/// Change sets and snapshots are passed without defensive copies between caller and grain in one process: never
/// change a change set after sending it, nor a snapshot's data.
/// </remarks>
[Alias("SessionGrains.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Creates the session with its expiry settings and optional initial data.</summary>
    /// <returns><see cref="SessionWriteStatus.AlreadyExists"/> when a live session holds this ID.</returns>
    [Alias("Create")]
    Task<SessionWriteResult> CreateAsync(SessionSettings settings, [Immutable] SessionChangeSet? initialChanges);

    /// <summary>
    /// Reads the session and records the access (slides the idle expiry); null when there is no live session. With a
    /// <paramref name="lease"/>, the caller may serve the session from its cache until the lease ends (see
    /// <see cref="ISessionReadCache"/>).
    /// </summary>
    [ReadOnly]
    [Alias("Load")]
    [return: Immutable]
    Task<SessionSnapshot?> LoadAsync(SessionReadLease? lease = null);

    /// <summary>
    /// Applies a change set atomically: all of it or, when the session is gone or a limit would be exceeded, none.
    /// Other read-lease holders are invalidated first; the <paramref name="writer"/>'s own lease stays (it updates its
    /// cache from the result's version).
    /// </summary>
    [Alias("Apply")]
    Task<SessionWriteResult> ApplyAsync([Immutable] SessionChangeSet changes, ISessionReadCache? writer = null);

    /// <summary>Slides the idle expiry without changing data.</summary>
    [Alias("Touch")]
    Task<SessionWriteResult> TouchAsync();

    /// <summary>
    /// Adds <paramref name="delta"/> to the integer stored under <paramref name="key"/> (a missing key counts as 0) and
    /// returns the new value. Values are stored in <see cref="SessionValueFormat"/>'s integer format. Read leases as
    /// for <see cref="ApplyAsync"/>.
    /// </summary>
    [Alias("Increment")]
    Task<SessionIncrementResult> IncrementAsync(string key, long delta, ISessionReadCache? writer = null);

    /// <summary>
    /// Moves this session's data, with <paramref name="changes"/> applied, into a new session under
    /// <paramref name="newSessionId"/>, then destroys this one. Calls on this session wait meanwhile and afterwards
    /// answer "no session", so the two never both serve diverging data.
    /// </summary>
    [Alias("Regenerate")]
    Task<SessionWriteResult> RegenerateAsync(string newSessionId, SessionSettings settings, [Immutable] SessionChangeSet? changes);

    /// <summary>Deletes the stored record and the reminder and deactivates. Safe to call on an unknown ID.</summary>
    [Alias("Destroy")]
    Task DestroyAsync();
}
