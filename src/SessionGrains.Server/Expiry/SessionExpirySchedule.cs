namespace SessionGrains.Server;

/// <summary>
/// The session grain's timers: the expiry timer (armed only when the session would expire before an idle activation is
/// collected), the short stay of an activation that found no session, and the removal of a 1.0 per-session reminder.
/// The grain hands in what each timer runs.
/// </summary>
internal sealed class SessionExpirySchedule(
    IGrainBase grain, Func<CancellationToken, Task> onExpiryDue, Func<Task> onEmptyActivationEnd, TimeSpan timerHorizon, SessionGrainLog log)
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    /// <summary>Long enough to answer the calls queued behind the first: deactivating at once bounces them between activations.</summary>
    private static readonly TimeSpan EmptyActivationLifetime = TimeSpan.FromSeconds(5);

    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _emptyActivationTimer;

    public bool IsTimerArmed => _expiryTimer is not null;

    public void Arm(TimeSpan untilExpiry)
    {
        var due = Clamp(untilExpiry);
        if (_expiryTimer is null && due <= timerHorizon)
        {
            _expiryTimer = grain.RegisterGrainTimer(onExpiryDue, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
    }

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

    public void Disarm()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _emptyActivationTimer?.Dispose();
        _emptyActivationTimer = null;
    }

    /// <summary>No live session here: answer the calls already queued, then free the activation (unknown IDs cost no memory).</summary>
    public void ReleaseEmptyActivation()
        => _emptyActivationTimer ??= grain.RegisterGrainTimer(onEmptyActivationEnd, new GrainTimerCreationOptions(EmptyActivationLifetime, Timeout.InfiniteTimeSpan));

    /// <summary>A failure leaves the reminder registered, and its next tick tries again.</summary>
    public async Task UnregisterReminderAsync()
    {
        try
        {
            if (await grain.GetReminder(SessionGrainNames.SessionReminder) is { } reminder)
            {
                await grain.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception)
        {
            log.ReminderUnregisterFailed(exception);
        }
    }

    private static TimeSpan Clamp(TimeSpan remaining)
        => remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining > MaxTimerDelay ? MaxTimerDelay : remaining;
}
