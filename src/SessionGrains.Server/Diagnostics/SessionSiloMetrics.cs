using System.Diagnostics.Metrics;

namespace SessionGrains.Server;

/// <summary>
/// The silo's instruments, on the meter <see cref="MeterName"/> (from the silo's <see cref="IMeterFactory"/>): sessions
/// created, sessions ended by reason (and expiry layer), expiry index entries checked, and session grains active on this silo. Created as the silo
/// starts, so a silo reports its zero active sessions before the first one.
/// </summary>
public sealed class SessionSiloMetrics : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The meter's name, to export it (e.g. OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "SessionGrains.Server";

    private readonly Counter<long> _created;
    private readonly Counter<long> _ended;
    private readonly Counter<long> _expiryChecks;
    private long _active;

    /// <summary>Creates the instruments; the silo's DI does this.</summary>
    public SessionSiloMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _created = meter.CreateCounter<long>("sessiongrains.sessions.created", "{session}", "Sessions created (a regeneration's new session included).");
        _ended = meter.CreateCounter<long>(
            "sessiongrains.sessions.ended", "{session}", "Sessions ended, by reason: destroyed, expired (by layer), regenerated, revoked, evicted.");
        _expiryChecks = meter.CreateCounter<long>(
            "sessiongrains.expiry.checks", "{check}", "Due expiry index entries checked by the sweepers, by outcome: succeeded or failed (retried by a later pass).");
        meter.CreateObservableUpDownCounter(
            "sessiongrains.sessions.active", () => Volatile.Read(ref _active), "{session}", "Session grains active on this silo.");
    }

    /// <summary>Nothing to do in the lifecycle: taking part makes the silo create the instruments at start.</summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
    }

    /// <summary>Counts a lifecycle event that creates or ends a session; others are not counted here.</summary>
    internal void Record(SessionEventKind kind, SessionExpiryLayer? layer)
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

    internal void ExpiryChecked(bool succeeded)
        => _expiryChecks.Add(1, new KeyValuePair<string, object?>("sessiongrains.expiry.check_outcome", succeeded ? "succeeded" : "failed"));

    internal void Activated() => Interlocked.Increment(ref _active);

    internal void Deactivated() => Interlocked.Decrement(ref _active);
}
