namespace SessionGrains.Server;

/// <summary>
/// Receives session lifecycle events on the silo that hosts the session (<c>AddSessionLifecycleHandler</c>). Delivery is
/// at most once, in order, off the session's call path: events still queued when a silo crashes, or beyond
/// <see cref="SessionSiloOptions.EventQueueCapacity"/>, are lost (and the loss logged).
/// </summary>
public interface ISessionLifecycleHandler
{
    /// <summary>Handles one event; <paramref name="cancellationToken"/> fires after <see cref="SessionSiloOptions.EventHandlerTimeout"/>.</summary>
    Task HandleAsync(SessionLifecycleEvent sessionEvent, CancellationToken cancellationToken);
}
