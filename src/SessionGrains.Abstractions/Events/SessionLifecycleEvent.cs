namespace SessionGrains;

/// <summary>
/// Something that happened to a session, raised by its grain once the change is stored. It never carries the session
/// ID: <see cref="SessionTag"/> names the session.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="SessionTag">The session's tag (<see cref="SessionGrains.SessionTag.Of"/> of its ID).</param>
/// <param name="At">When, by the silo's session clock.</param>
/// <param name="UserId">The user the session is (or was) bound to, if any.</param>
/// <param name="Handle">The session's handle in the user's list, if bound.</param>
/// <param name="ExpiryLayer">For <see cref="SessionEventKind.Expired"/>: the layer that noticed.</param>
/// <param name="NewSessionTag">For <see cref="SessionEventKind.Regenerated"/>: the tag of the new session.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionLifecycleEvent")]
public sealed record SessionLifecycleEvent(
    [property: Id(0)] SessionEventKind Kind,
    [property: Id(1)] string SessionTag,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? UserId = null,
    [property: Id(4)] string? Handle = null,
    [property: Id(5)] SessionExpiryLayer? ExpiryLayer = null,
    [property: Id(6)] string? NewSessionTag = null);
