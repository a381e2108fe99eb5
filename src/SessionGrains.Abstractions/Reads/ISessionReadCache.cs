namespace SessionGrains;

/// <summary>
/// A front end's cache of sessions it loaded under a read lease (<see cref="SessionReadLease"/>). Before a session
/// grain acknowledges a change, it tells every other lease holder to drop the session, or waits until the holder's
/// lease has ended when the holder does not answer.
/// </summary>
[Alias("SessionGrains.ISessionReadCache")]
public interface ISessionReadCache : IGrainObserver
{
    /// <summary>Drops <paramref name="sessionId"/>: its next load goes to the grain.</summary>
    [Alias("Invalidate")]
    Task InvalidateAsync(string sessionId);
}
