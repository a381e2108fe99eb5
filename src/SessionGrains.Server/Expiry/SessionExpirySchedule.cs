using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// When a session grain looks at its expiry without a caller, each in its own field: the expiry timer (armed only when
/// the session would expire before an idle activation is collected), the short lifetime of an activation that found no
/// session, and the removal of a per-session reminder left by SessionGrains 1.0 (inactive sessions are now found
/// through the expiry index).
/// </summary>
internal sealed class SessionExpirySchedule(
    IGrainBase grain, Func<CancellationToken, Task> onExpiryDue, Func<Task> onEmptyLifetimeEnd, TimeSpan timerHorizon,
    ILogger logger, string logId)
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an activation that found no session stays to answer calls queued behind the first one. Deactivating at
    /// once would bounce those calls from activation to activation until Orleans rejects them.
    /// </summary>
    private static readonly TimeSpan EmptyActivationLifetime = TimeSpan.FromSeconds(5);

    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _emptyActivationTimer;

    /// <summary>True while the expiry timer enforces expiry.</summary>
    public bool IsTimerArmed => _expiryTimer is not null;

    /// <summary>Arms the expiry timer when <paramref name="untilExpiry"/> ends before an idle activation would be collected.</summary>
    public void Arm(TimeSpan untilExpiry)
    {
        var due = Clamp(untilExpiry);
        if (_expiryTimer is null && due <= timerHorizon)
        {
            _expiryTimer = grain.RegisterGrainTimer(onExpiryDue, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>After the timer found the session live: fire again at its new expiry, or stop when that lies beyond the activation's lifetime.</summary>
    public void Rearm(TimeSpan untilExpiry)
    {
        var due = Clamp(untilExpiry);
        if (due <= timerHorizon)
        {
            _expiryTimer?.Change(due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            Disarm();
        }
    }

    /// <summary>Stops the expiry timer and the empty-activation lifetime (a session was created or deleted).</summary>
    public void Disarm()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _emptyActivationTimer?.Dispose();
        _emptyActivationTimer = null;
    }

    /// <summary>No live session here: answer the calls already queued, then free the activation (unknown IDs cost no memory).</summary>
    public void ReleaseEmptyActivation()
        => _emptyActivationTimer ??= grain.RegisterGrainTimer(onEmptyLifetimeEnd, new GrainTimerCreationOptions(EmptyActivationLifetime, Timeout.InfiniteTimeSpan));

    /// <summary>Unregisters a 1.0 reminder; a failure leaves it registered, and its next tick tries again.</summary>
    public async Task UnregisterReminderAsync()
    {
        try
        {
            if (await grain.GetReminder(SessionGrain.ReminderName) is { } reminder)
            {
                await grain.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception)
        {
            SessionGrainLog.ReminderUnregisterFailed(logger, logId, exception);
        }
    }

    private static TimeSpan Clamp(TimeSpan remaining)
        => remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining > MaxTimerDelay ? MaxTimerDelay : remaining;
}
