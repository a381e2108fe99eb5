namespace SessionGrains;

/// <summary>
/// Asks <see cref="ISessionGrain.LoadAsync"/> for a read lease: until <paramref name="Duration"/> has passed since the
/// holder sent the load, it may serve the session from its cache, because the grain invalidates the holder before it
/// acknowledges any change made by someone else.
/// </summary>
/// <param name="Holder">The cache to invalidate.</param>
/// <param name="Duration">How long the holder serves the session without asking the grain (capped at <see cref="MaxDuration"/>).</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionReadLease")]
public sealed record SessionReadLease(
    [property: Id(0)] ISessionReadCache Holder,
    [property: Id(1)] TimeSpan Duration)
{
    /// <summary>The longest lease a grain grants, whatever a holder asks for: a change waits at most this long for a silent holder.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(10);
}
