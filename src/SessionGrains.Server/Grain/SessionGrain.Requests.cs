namespace SessionGrains.Server;

// The calls of requests with an Idempotency-Key: a claim while the first attempt runs (in memory), then its response
// recorded in the session's record for the attempts that follow (ISessionGrain holds the contract).
internal sealed partial class SessionGrain
{
    private readonly SessionRequestClaims _claims = new();

    public Task<SessionRequestClaim> ClaimRequestAsync(
        Guid key, Guid fingerprint, Guid attempt, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        if (!_writer.IsLive(now))
        {
            _expiry.ReleaseEmptyActivation();
            return Task.FromResult(new SessionRequestClaim(SessionRequestClaimStatus.NoSession));
        }

        return Task.FromResult(_claims.Claim(Record.Requests, key, fingerprint, attempt, lease, now));
    }

    public async Task<bool> RecordResponseAsync(
        Guid key, Guid fingerprint, Guid attempt, SessionRecordedResponse response, CancellationToken cancellationToken = default)
    {
        _claims.Release(key, attempt);
        var now = _clock.GetUtcNow();
        if (!_writer.IsLive(now))
        {
            _expiry.ReleaseEmptyActivation();
            return false;
        }

        if (SessionRequestLog.Find(Record.Requests, key) is not null)
        {
            return true; // an attempt that outlived its claim: the first recorded response stays
        }

        var added = new SessionKeyedRequest { Key = key, Fingerprint = fingerprint, At = now, Response = response };
        if (SessionRequestLog.Append(Record.Requests, added, SessionChangeSetApplier.SizeOf(Record.Data), _options) is not { } requests)
        {
            return false;
        }

        await _writer.WriteRequestsAsync(requests);
        return true;
    }

    public Task ReleaseRequestAsync(Guid key, Guid attempt, CancellationToken cancellationToken = default)
    {
        _claims.Release(key, attempt);
        return Task.CompletedTask;
    }
}
