using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace SessionGrains.AspireTests;

/// <summary>The last state and health each resource (each replica) reported, to tell what a timed-out wait waited for.</summary>
internal sealed class ResourceStates : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    public ResourceStates(ResourceNotificationService notifications)
        => _watching = WatchAsync(notifications, _stop.Token);

    public override string ToString()
        => string.Join("; ", _states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private async Task WatchAsync(ResourceNotificationService notifications, CancellationToken cancellation)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellation))
            {
                var snapshot = change.Snapshot;
                _states[change.ResourceId] = $"{snapshot.State?.Text ?? "?"} (health {snapshot.HealthStatus?.ToString() ?? "none"}, exit {snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})";
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }
}
