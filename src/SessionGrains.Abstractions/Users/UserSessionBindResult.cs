namespace SessionGrains;

/// <summary>The result of <see cref="IUserSessionsGrain.BindAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Binding">The session's binding when <paramref name="Status"/> is <see cref="UserSessionBindStatus.Bound"/>.</param>
/// <param name="Evicted">How many of the user's other sessions the limit ended.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.UserSessionBindResult")]
public sealed record UserSessionBindResult(
    [property: Id(0)] UserSessionBindStatus Status,
    [property: Id(1)] SessionUserBinding? Binding = null,
    [property: Id(2)] int Evicted = 0);
