namespace SessionGrains.AspNetCore;

/// <summary>
/// How the front end calls session grains when the cluster fails (<see cref="SessionFrontEndOptions.Calls"/>, configuration
/// section "Session:Calls"). A call that fails transiently (silo unavailable, connection lost, gateway gone, call
/// timeout) is sent again, a write with the same operation ID so that the grain applies it once; only when the budget
/// is spent does the request answer 503. Refused writes (limits, no session) are answers, never retried.
/// </summary>
public sealed class SessionCallOptions
{
    /// <summary>
    /// How long one attempt may take before it is cancelled (Orleans grain-call cancellation) and retried, so that a
    /// request in flight to a silo that just died does not wait for Orleans' <c>ResponseTimeout</c> (30 s). Defaults to
    /// 2 seconds; at most 30.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most attempts per call, the first included. Defaults to 10; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// The total time one call may spend over all its attempts and the pauses between them (50 ms, doubling to 1 s, with
    /// jitter). Defaults to 4 seconds: long enough for the cluster to declare a killed silo dead with the
    /// <c>Cluster:Membership</c> defaults, short enough to keep every request under 5 seconds.
    /// </summary>
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(4);
}
