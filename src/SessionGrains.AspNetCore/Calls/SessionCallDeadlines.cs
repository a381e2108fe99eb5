namespace SessionGrains.AspNetCore;

// Cancellation tokens for grain-call attempts without a timer per call: attempts that start within one Granularity share
// a source cancelled Timeout after the window closes, so an attempt gets between Timeout and Timeout + Granularity.
internal sealed class SessionCallDeadlines(TimeSpan timeout, TimeProvider clock)
{
    /// <summary>How much later than its timeout an attempt may be cancelled.</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(50);

    private Window? _current;

    /// <summary>A token cancelled no sooner than the timeout from now and no later than <see cref="Granularity"/> after that.</summary>
    public CancellationToken Next()
    {
        var now = clock.GetTimestamp();
        var window = Volatile.Read(ref _current);
        if (window is null || clock.GetElapsedTime(window.Opened, now) >= Granularity)
        {
            // Two threads may open a window at once: both tokens are right, one source is simply dropped.
            window = new Window(now, new CancellationTokenSource(timeout + Granularity, clock));
            Volatile.Write(ref _current, window);
        }

        return window.Source.Token;
    }

    // Not disposed: calls in flight still hold its token; its timer is gone once it fires.
    private sealed record Window(long Opened, CancellationTokenSource Source);
}
