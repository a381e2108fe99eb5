using System.Collections.Concurrent;
using SessionGrains.Server;

namespace SessionGrains.Tests.Shared;

/// <summary>A lifecycle handler that records every event it receives, on every silo of a test cluster.</summary>
public sealed class SessionEventRecorder : ISessionLifecycleHandler
{
    private readonly ConcurrentQueue<SessionLifecycleEvent> _events = new();

    public Task HandleAsync(SessionLifecycleEvent sessionEvent, CancellationToken cancellationToken)
    {
        _events.Enqueue(sessionEvent);
        return Task.CompletedTask;
    }

    /// <summary>The events received about session <paramref name="sessionId"/>, in order.</summary>
    public IReadOnlyList<SessionLifecycleEvent> Of(string sessionId)
    {
        var tag = SessionTag.Of(sessionId);
        return _events.Where(e => e.SessionTag == tag).ToList();
    }

    /// <summary>Every event received so far.</summary>
    public IReadOnlyList<SessionLifecycleEvent> All => _events.ToList();
}
