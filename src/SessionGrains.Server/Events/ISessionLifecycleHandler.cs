namespace SessionGrains.Server;

/// <summary>
/// Receives session lifecycle events on the silo that hosts the session (register with
/// <c>AddSessionLifecycleHandler</c>). Delivery is at most once, in the order each silo raised them: events wait in a
/// bounded in-memory queue and are handed to each handler in turn, off the session's call path, so a slow or failing
/// handler never delays or fails a session operation. Events still queued when a silo crashes, or beyond
/// <see cref="SessionSiloOptions.EventQueueCapacity"/>, are lost (and the loss logged).
/// </summary>
public interface ISessionLifecycleHandler
{
    /// <summary>Handles one event; <paramref name="cancellationToken"/> fires after <see cref="SessionSiloOptions.EventHandlerTimeout"/>.</summary>
    Task HandleAsync(SessionLifecycleEvent sessionEvent, CancellationToken cancellationToken);
}
