namespace SessionGrains.Server;

/// <summary>
/// One activation's claims on requests with an <c>Idempotency-Key</c>: which attempt runs each key, until when. Held in
/// memory only; a claim that outlives its lease (a crashed front end) lets the next attempt run.
/// </summary>
internal sealed class SessionRequestClaims
{
    /// <summary>The longest lease a front end may ask for.</summary>
    public static readonly TimeSpan MaxLease = TimeSpan.FromMinutes(1);

    private readonly Dictionary<Guid, Held> _claims = [];

    public SessionRequestClaim Claim(
        SessionKeyedRequest[] recorded, Guid key, Guid fingerprint, Guid attempt, TimeSpan lease, DateTimeOffset now)
    {
        if (SessionRequestLog.Find(recorded, key) is { } done)
        {
            _claims.Remove(key);
            return done.Fingerprint == fingerprint
                ? new(SessionRequestClaimStatus.Completed, done.Response)
                : new(SessionRequestClaimStatus.KeyReused);
        }

        RemoveExpired(now);
        if (_claims.TryGetValue(key, out var held) && held.Attempt != attempt)
        {
            return new(held.Fingerprint == fingerprint ? SessionRequestClaimStatus.InFlight : SessionRequestClaimStatus.KeyReused);
        }

        _claims[key] = new Held(attempt, fingerprint, now + (lease < MaxLease ? lease : MaxLease));
        return new(SessionRequestClaimStatus.Claimed);
    }

    public void Release(Guid key, Guid attempt)
    {
        if (_claims.TryGetValue(key, out var held) && held.Attempt == attempt)
        {
            _claims.Remove(key);
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, claim) in _claims)
        {
            if (claim.Until <= now)
            {
                _claims.Remove(key); // removing during enumeration is allowed for Dictionary since .NET Core 3.0
            }
        }
    }

    private readonly record struct Held(Guid Attempt, Guid Fingerprint, DateTimeOffset Until);
}
