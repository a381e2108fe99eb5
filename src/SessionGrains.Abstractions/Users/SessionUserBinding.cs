namespace SessionGrains;

/// <summary>
/// The user a session is bound to, kept in the session's own record: the truth that the user's index
/// (<see cref="IUserSessionsGrain"/>) is checked against.
/// </summary>
/// <param name="UserId">The user's ID (the key of the user's index).</param>
/// <param name="Handle">
/// The opaque name of this session in the user's list and revoke calls: random, unrelated to the session ID, which is a
/// bearer secret and never leaves the cluster and the front ends.
/// </param>
/// <param name="BoundAt">When the session was bound.</param>
/// <param name="Device">The device that logged in.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionUserBinding")]
public sealed record SessionUserBinding(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Handle,
    [property: Id(2)] DateTimeOffset BoundAt,
    [property: Id(3)] SessionDevice? Device);
