namespace SessionGrains.Server;

/// <summary>A request with an <c>Idempotency-Key</c> whose response the session recorded, so that its retries are answered with it.</summary>
internal sealed class SessionKeyedRequest
{
    /// <summary>The digest of the key (<see cref="ISessionGrain.ClaimRequestAsync"/>).</summary>
    public Guid Key { get; init; }

    /// <summary>The digest of the request (method, target, body): the same key with another fingerprint is refused.</summary>
    public Guid Fingerprint { get; init; }

    public DateTimeOffset At { get; init; }

    public required SessionRecordedResponse Response { get; init; }
}
