namespace SessionGrains;

/// <summary>A session's timeouts, fixed when it is created.</summary>
/// <param name="IdleTimeout">The session expires this long after its last access.</param>
/// <param name="AbsoluteTimeout">When set, the session expires this long after its creation, however active it is.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionSettings")] // its wire name before the rename, so mixed versions interoperate
public sealed record SessionTimeouts(
    [property: Id(0)] TimeSpan IdleTimeout,
    [property: Id(1)] TimeSpan? AbsoluteTimeout = null);
