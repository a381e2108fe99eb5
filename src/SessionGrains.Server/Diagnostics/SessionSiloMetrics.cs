using System.Diagnostics.Metrics;

namespace SessionGrains.Server;

/// <summary>
/// The silo's instruments on <see cref="SessionGrainsTelemetry.SiloMeterName"/>. A lifecycle participant, so that a silo reports
/// its zero active sessions before the first one.
/// </summary>
internal sealed class SessionSiloMetrics : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Counter<long> _created;
    private readonly Counter<long> _ended;
    private readonly Counter<long> _expiryChecks;
    private long _active;

    public SessionSiloMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SessionGrainsTelemetry.SiloMeterName);
        _created = meter.CreateCounter<long>("sessiongrains.sessions.created", "{session}", "Sessions created (a regeneration's new session included).");
        _ended = meter.CreateCounter<long>(
            "sessiongrains.sessions.ended", "{session}", "Sessions ended, by reason: destroyed, expired (by layer), regenerated, revoked, evicted.");
        _expiryChecks = meter.CreateCounter<long>(
            "sessiongrains.expiry.checks", "{check}", "Due expiry index entries checked by the sweepers, by outcome: succeeded or failed (retried by a later pass).");
        meter.CreateObservableUpDownCounter(
            "sessiongrains.sessions.active", () => Volatile.Read(ref _active), "{session}", "Session grains active on this silo.");
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        // taking part is enough: the silo creates the instruments as it starts
    }

    /// <summary>Counts a lifecycle event that creates or ends a session; others are not counted here.</summary>
    public void Record(SessionEventKind kind, SessionExpiryLayer? layer)
    {
        switch (kind)
        {
            case SessionEventKind.Created:
                _created.Add(1);
                break;
            case SessionEventKind.Expired:
                _ended.Add(1, new("sessiongrains.session.end_reason", "expired"), new("sessiongrains.session.expiry_layer", layer switch
                {
                    SessionExpiryLayer.Timer => "timer",
                    SessionExpiryLayer.Reminder => "reminder",
                    SessionExpiryLayer.Sweep => "sweep",
                    _ => "on_access",
                }));
                break;
            case SessionEventKind.Destroyed or SessionEventKind.Regenerated or SessionEventKind.Revoked or SessionEventKind.Evicted:
                _ended.Add(1, new KeyValuePair<string, object?>("sessiongrains.session.end_reason", kind switch
                {
                    SessionEventKind.Destroyed => "destroyed",
                    SessionEventKind.Regenerated => "regenerated",
                    SessionEventKind.Revoked => "revoked",
                    _ => "evicted",
                }));
                break;
        }
    }

    public void CountExpiryCheck(bool succeeded)
        => _expiryChecks.Add(1, new KeyValuePair<string, object?>("sessiongrains.expiry.check_outcome", succeeded ? "succeeded" : "failed"));

    public void CountActivation() => Interlocked.Increment(ref _active);

    public void CountDeactivation() => Interlocked.Decrement(ref _active);
}
