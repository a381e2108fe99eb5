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
/// <para>
/// Exactly-once writes: create, apply, increment and regenerate take an operation ID that the caller makes (a random
/// <see cref="Guid"/>) and sends again, unchanged, when it retries after a failure that left the outcome unknown. The
/// grain stores the IDs of its recent writes, with their results, in the same record write as the change; a repeated
/// ID answers the stored result and applies nothing, for as long as the grain remembers it: at least
/// <see cref="SessionOperationWindow.MinRetention"/>, within which every attempt arrives (a write's call message lives
/// <see cref="SessionOperationWindow.MessageLifetime"/>). <see cref="Guid.Empty"/> opts out. Touch and destroy are
/// idempotent and need none. Every method takes a <see cref="CancellationToken"/>: cancelling it (e.g. a per-call
/// deadline) stops the caller's wait, and Orleans cancels the request at the grain; a write that had begun may still
/// complete, which a retry with the same operation ID then finds.
/// </para>
/// </remarks>
[Alias("SessionGrains.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Creates the session with its timeouts and optional initial data.</summary>
    /// <returns><see cref="SessionWriteStatus.AlreadyExists"/> when a live session holds this ID.</returns>
    [Alias("Create")]
    [ResponseTimeout(SessionOperationWindow.MessageLifetimeText)]
    Task<SessionWriteResult> CreateAsync(
        SessionTimeouts timeouts, [Immutable] SessionChangeSet? initialChanges, Guid operationId = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the session and records the access (slides the idle expiry); null when there is no live session. With a
    /// <paramref name="lease"/>, the caller may serve the session from its cache until the lease ends (see
    /// <see cref="ISessionReadCache"/>).
    /// </summary>
    [ReadOnly]
    [Alias("Load")]
    [return: Immutable]
    Task<SessionSnapshot?> LoadAsync(SessionReadLease? lease = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a change set atomically: all of it or, when the session is gone or a limit would be exceeded, none.
    /// Other read-lease holders are invalidated first; the <paramref name="writer"/>'s own lease stays and starts again
    /// (it moves its cache to the result's version and serves it for the result's <see cref="SessionWriteResult.Lease"/>).
    /// </summary>
    [Alias("Apply")]
    [ResponseTimeout(SessionOperationWindow.MessageLifetimeText)]
    Task<SessionWriteResult> ApplyAsync(
        [Immutable] SessionChangeSet changes, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default);

    /// <summary>Slides the idle expiry without changing data.</summary>
    [Alias("Touch")]
    Task<SessionWriteResult> TouchAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="delta"/> to the integer stored under <paramref name="key"/> (a missing key counts as 0) and
    /// returns the new value. Values are stored in <see cref="SessionValueFormat"/>'s integer format. Read leases as
    /// for <see cref="ApplyAsync"/>.
    /// </summary>
    [Alias("Increment")]
    [ResponseTimeout(SessionOperationWindow.MessageLifetimeText)]
    Task<SessionIncrementResult> IncrementAsync(
        string key, long delta, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves this session's data, with <paramref name="changes"/> applied, into a new session under
    /// <paramref name="newSessionId"/>, then destroys this one. Calls on this session wait meanwhile and afterwards
    /// answer "no session", so the two never both serve diverging data. A retry after the move answers the stored
    /// result of the new session's creation, found by <paramref name="operationId"/>.
    /// </summary>
    [Alias("Regenerate")]
    [ResponseTimeout(SessionOperationWindow.MessageLifetimeText)]
    Task<SessionWriteResult> RegenerateAsync(
        string newSessionId, SessionTimeouts timeouts, [Immutable] SessionChangeSet? changes, Guid operationId = default,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record and the reminder and deactivates. Safe to call on an unknown ID.</summary>
    [Alias("Destroy")]
    Task DestroyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The session as its user's list shows it when it is live and bound to <paramref name="userId"/> under
    /// <paramref name="handle"/>; otherwise null. Records no access. The user's index checks its entries with it.
    /// </summary>
    [ReadOnly]
    [Alias("FindUserSession")]
    Task<UserSessionInfo?> FindUserSessionAsync(string userId, string handle, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="binding"/> in the live session (replacing another user's, whose index is told).
    /// <see cref="IUserSessionsGrain.BindAsync"/> calls it once the user's index holds the entry.
    /// </summary>
    [Alias("BindUser")]
    Task<SessionWriteResult> BindUserAsync(SessionUserBinding binding, CancellationToken cancellationToken = default);

    /// <summary>Removes the session's binding when it is bound to <paramref name="userId"/> under <paramref name="handle"/>; true when it was.</summary>
    [Alias("UnbindUser")]
    Task<bool> UnbindUserAsync(string userId, string handle, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the session (as <see cref="DestroyAsync"/>) when it is live and bound to <paramref name="userId"/> under
    /// <paramref name="handle"/>; true when it ended. The user's index revokes and evicts sessions with it.
    /// </summary>
    [Alias("EndUserSession")]
    Task<bool> EndUserSessionAsync(string userId, string handle, SessionEndReason reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored result of a recent write with this operation ID, or null when the live session recorded none (see
    /// the remarks). A regeneration's retry uses it to learn whether the move it asked for was made.
    /// </summary>
    [ReadOnly]
    [Alias("FindOperation")]
    Task<SessionWriteResult?> FindOperationAsync(Guid operationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the request identified in this session by <paramref name="key"/> (a digest of its <c>Idempotency-Key</c>)
    /// for one <paramref name="attempt"/>, until <paramref name="lease"/> from now; the same attempt claims again to renew.
    /// A key whose response was recorded answers it (or <see cref="SessionRequestClaimStatus.KeyReused"/> when
    /// <paramref name="fingerprint"/> differs). Claims live in the activation's memory only: a lost claim lets a retry
    /// run again, whose writes with the first attempt's operation IDs apply nothing.
    /// </summary>
    [Alias("ClaimRequest")]
    Task<SessionRequestClaim> ClaimRequestAsync(
        Guid key, Guid fingerprint, Guid attempt, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="response"/> as the answer to the request with <paramref name="key"/> and ends the
    /// attempt's claim. The first recorded response of a key stays. Kept as long as operation IDs, and only in the room
    /// the session's data leaves under its size limit; false when it was not stored (no live session, or no room).
    /// </summary>
    [Alias("RecordResponse")]
    Task<bool> RecordResponseAsync(
        Guid key, Guid fingerprint, Guid attempt, [Immutable] SessionRecordedResponse response, CancellationToken cancellationToken = default);

    /// <summary>Ends the attempt's claim without recording: a retry may run the request again.</summary>
    [Alias("ReleaseRequest")]
    Task ReleaseRequestAsync(Guid key, Guid attempt, CancellationToken cancellationToken = default);
}
