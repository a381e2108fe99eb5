namespace SessionGrains.AspNetCore;

/// <summary>
/// How the session middleware honours the <c>Idempotency-Key</c> request header (IETF draft
/// draft-ietf-httpapi-idempotency-key-header). Configuration section "Session:IdempotencyKeys".
/// </summary>
public sealed class SessionIdempotencyOptions
{
    /// <summary>
    /// Honour the header on every request with an unsafe method (not GET, HEAD, OPTIONS or TRACE) under the cookie path.
    /// Defaults to false: only endpoints marked with <c>WithSessionIdempotency()</c> or <see cref="SessionIdempotentAttribute"/>
    /// honour it (an endpoint's mark overrides this either way).
    /// </summary>
    public bool AllUnsafeRequests { get; set; }

    /// <summary>
    /// How long a request's claim on its key holds off a duplicate (answered 409) after the front end last renewed it; a
    /// running request renews it every third of this. A retry of a request whose front end crashed runs once the claim
    /// lapses. Defaults to 3 seconds; between 100 milliseconds and 1 minute.
    /// </summary>
    public TimeSpan InFlightLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The largest response body recorded for retries, held back until recorded. A larger one is sent as it is written
    /// and not recorded: a retry runs the request again (its session writes still apply once). Defaults to 64 KiB; at
    /// most 1 MiB.
    /// </summary>
    public int MaxRecordedBodyBytes { get; set; } = 64 * 1024;
}
