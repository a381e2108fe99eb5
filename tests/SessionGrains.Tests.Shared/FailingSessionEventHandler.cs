using SessionGrains.Server;

namespace SessionGrains.Tests.Shared;

/// <summary>A lifecycle handler that always throws, registered before the recorder: its failures must reach nobody.</summary>
public sealed class FailingSessionEventHandler : ISessionLifecycleHandler
{
    public Task HandleAsync(SessionLifecycleEvent sessionEvent, CancellationToken cancellationToken)
        => throw new InvalidOperationException("Injected: a failing session lifecycle handler.");
}
