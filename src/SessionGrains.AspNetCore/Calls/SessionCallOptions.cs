namespace SessionGrains.AspNetCore;

/// <summary>
/// How the front end retries session grain calls that fail transiently (a write with the same operation ID, applied once);
/// the request answers 503 only when the budget is spent. Configuration section "Session:Calls".
/// </summary>
public sealed class SessionCallOptions
{
    /// <summary>How long one attempt may take before it is cancelled and retried. Defaults to 2 seconds; at most 30.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most attempts per call, the first included. Defaults to 10; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// The time one call may spend over all its attempts and the pauses between them (50 ms doubling to 1 s, with jitter).
    /// Defaults to 4 seconds, long enough for the cluster to declare a killed silo dead; at most 15 seconds
    /// (<see cref="SessionOperationWindow.MaxRetryDeadline"/>), so every retry of a write reaches a session that still
    /// remembers its operation ID.
    /// </summary>
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(4);
}
