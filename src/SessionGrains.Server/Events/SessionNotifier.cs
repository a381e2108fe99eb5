namespace SessionGrains.Server;

/// <summary>
/// What one session tells others once a change is stored: lifecycle events for the silo's handlers
/// (<see cref="SessionEventDispatcher"/>) and metrics (<see cref="SessionSiloMetrics"/>), and its user's index when it leaves the user (a one-way message: a session
/// grain never waits for an index).
/// </summary>
internal sealed class SessionNotifier(
    SessionEventDispatcher events, SessionSiloMetrics metrics, IGrainFactory grains, TimeProvider clock, string sessionId)
{
    private string? _tag;

    /// <summary>Raises a <paramref name="kind"/> event about this session.</summary>
    public void Raise(SessionEventKind kind, SessionUserBinding? user = null, SessionExpiryLayer? layer = null, string? newSessionId = null)
    {
        metrics.Record(kind, layer);
        if (events.IsEnabled)
        {
            events.Raise(new SessionLifecycleEvent(kind, _tag ??= SessionTag.Of(sessionId), clock.GetUtcNow(), user?.UserId, user?.Handle,
                layer, newSessionId is null ? null : SessionTag.Of(newSessionId)));
        }
    }

    /// <summary>Tells <paramref name="user"/>'s index that this session left it; <paramref name="movedTo"/> is the new ID of a regeneration.</summary>
    public void LeftUser(SessionUserBinding user, string? movedTo)
        => _ = grains.GetGrain<IUserSessionsGrain>(user.UserId).SessionEndedAsync(user.Handle, sessionId, movedTo);
}
