namespace SessionGrains;

/// <summary>One live session of a user, as the user's session list shows it. It never carries the session ID.</summary>
/// <param name="Handle">The session's opaque handle, for <see cref="IUserSessionsGrain.RevokeAsync"/>.</param>
/// <param name="CreatedAt">When the session was created (its first access).</param>
/// <param name="LastAccessAt">The session's last access.</param>
/// <param name="BoundAt">When the session was bound to the user (the login).</param>
/// <param name="ExpiresAt">When the session expires unless accessed again.</param>
/// <param name="Device">The device that logged in, when recorded.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.UserSessionInfo")]
public sealed record UserSessionInfo(
    [property: Id(0)] string Handle,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset LastAccessAt,
    [property: Id(3)] DateTimeOffset BoundAt,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] SessionDevice? Device);
