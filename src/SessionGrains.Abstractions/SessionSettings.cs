namespace SessionGrains;

/// <summary>Expiry settings fixed when a session is created.</summary>
/// <param name="IdleTimeout">The session expires this long after its last access.</param>
/// <param name="AbsoluteTimeout">When set, the session expires this long after its creation, however active it is.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionSettings")]
public sealed record SessionSettings(
    [property: Id(0)] TimeSpan IdleTimeout,
    [property: Id(1)] TimeSpan? AbsoluteTimeout = null);
