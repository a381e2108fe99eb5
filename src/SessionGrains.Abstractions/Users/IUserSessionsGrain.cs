using Orleans;
using Orleans.Concurrency;

namespace SessionGrains;

/// <summary>
/// One user's sessions, keyed by the user's ID: the index that lists them, revokes them and limits their number.
/// </summary>
/// <remarks>
/// The index never drifts from the truth. The truth is each session's own record (<see cref="SessionUserBinding"/>);
/// the index holds at least every live bound session, and every listing, binding and sweep checks each entry against
/// its session and drops the ones that no longer confirm it. A binding adds the entry before the session records it;
/// a session records its end before it tells the index (a one-way message that may be lost, which the next check
/// repairs); a regeneration through <see cref="RegenerateAsync"/> adds the new ID before the session moves. So a crash
/// between two writes leaves an extra entry, never a missing one, and no listing shows a session that has ended.
/// Session grains never wait for this grain, so calls between them cannot deadlock. While the index holds entries, a
/// reminder sweeps it; once empty, its record is deleted.
/// </remarks>
[Alias("SessionGrains.IUserSessionsGrain")]
public interface IUserSessionsGrain : IGrainWithStringKey
{
    /// <summary>
    /// Binds the live session <paramref name="sessionId"/> to this user, recording <paramref name="device"/>, within
    /// <paramref name="limit"/>. Binding a session bound to this user already answers its binding; one bound to another
    /// user moves to this one.
    /// </summary>
    [Alias("Bind")]
    Task<UserSessionBindResult> BindAsync(
        string sessionId, SessionDevice? device, UserSessionLimit limit, CancellationToken cancellationToken = default);

    /// <summary>Unbinds the session <paramref name="sessionId"/> from this user; false when it was not bound to them.</summary>
    [Alias("Unbind")]
    Task<bool> UnbindAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>The user's live sessions, oldest first. Entries whose session has ended are dropped on the way.</summary>
    [Alias("List")]
    Task<IReadOnlyList<UserSessionInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends the user's session with <paramref name="handle"/>; false when no live session of the user has it.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string handle, CancellationToken cancellationToken = default);

    /// <summary>Ends all the user's sessions but the one with <paramref name="keepHandle"/> (all when null); how many ended.</summary>
    [Alias("RevokeAll")]
    Task<int> RevokeAllAsync(string? keepHandle = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Regenerates the user's session <paramref name="sessionId"/> into <paramref name="newSessionId"/> (see
    /// <see cref="ISessionGrain.RegenerateAsync"/>), keeping its binding and handle. Regenerate bound sessions through
    /// this call, so the index knows the new ID before the old one ends.
    /// </summary>
    [Alias("Regenerate")]
    Task<SessionWriteResult> RegenerateAsync(
        string sessionId, string newSessionId, SessionTimeouts timeouts, [Immutable] SessionChangeSet? changes,
        Guid operationId = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// A session of this user ended (sent by the session grain after it deleted its record; never awaited).
    /// <paramref name="movedTo"/> is the new ID of a regenerated session.
    /// </summary>
    [OneWay]
    [Alias("SessionEnded")]
    Task SessionEndedAsync(string handle, string sessionId, string? movedTo);
}
