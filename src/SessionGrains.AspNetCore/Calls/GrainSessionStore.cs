using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The front end's calls to session grains, through <see cref="SessionGrainCaller"/> (per-call deadline, retries with
/// one operation ID per write): cluster failures become <see cref="SessionUnavailableException"/>, refused
/// limits <see cref="SessionLimitExceededException"/>; "no session" and "already exists" are returned to the caller.
/// Loads are served without a call when possible: from a co-hosted silo (<see cref="ILocalSessionReader"/>), or from
/// this front end's <see cref="SessionReadCache"/> while a read lease lasts.
/// </summary>
internal sealed class GrainSessionStore(
    SessionGrainCaller caller,
    SessionFrontEndMetrics metrics,
    SessionFrontEndActivities activities,
    ILogger<GrainSessionStore> logger,
    ILocalSessionReader? localSessions = null,
    SessionReadCache? readCache = null)
{
    /// <summary>The front end's instruments.</summary>
    public SessionFrontEndMetrics Metrics => metrics;

    /// <summary>The front end's spans.</summary>
    public SessionFrontEndActivities Activities => activities;

    public Task<SessionSnapshot?> LoadAsync(string id)
    {
        if (localSessions?.TryLoad(id) is { } local)
        {
            return Task.FromResult<SessionSnapshot?>(local);
        }

        if (readCache is null)
        {
            return caller.CallAsync("load", id, static (g, ct) => g.LoadAsync(null, ct));
        }

        var cached = readCache.TryGet(id);
        metrics.ReadLeaseLookup(hit: cached is not null);
        return cached is null ? LoadLeasedAsync(id, readCache) : Task.FromResult<SessionSnapshot?>(cached);
    }

    public Task<SessionWriteResult> CreateAsync(string id, SessionTimeouts timeouts, SessionChangeSet? data)
    {
        var operationId = Guid.NewGuid();
        return WriteAsync("create", id, (g, ct) => g.CreateAsync(timeouts, data, operationId, ct));
    }

    public async Task<SessionWriteResult> ApplyAsync(string id, SessionChangeSet changes)
    {
        var operationId = Guid.NewGuid();
        var result = await ChangeAsync("apply", id, (g, ct) => g.ApplyAsync(changes, readCache?.Holder, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        readCache?.Written(id, result, changes.ApplyTo);
        return result;
    }

    public Task<SessionWriteResult> TouchAsync(string id) => WriteAsync("touch", id, static (g, ct) => g.TouchAsync(ct));

    /// <summary>Regenerates the session; one bound to <paramref name="userId"/> through the user's index, which follows the move.</summary>
    public async Task<SessionWriteResult> RegenerateAsync(
        string id, string newId, SessionTimeouts timeouts, SessionChangeSet? changes, string? userId)
    {
        readCache?.Forget(id);
        var operationId = Guid.NewGuid();
        if (userId is null)
        {
            return await WriteAsync("regenerate", id, (g, ct) => g.RegenerateAsync(newId, timeouts, changes, operationId, ct));
        }

        var result = await caller.CallUserSessionsAsync("regenerate", userId, (g, ct) => g.RegenerateAsync(id, newId, timeouts, changes, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        return result;
    }

    public Task<UserSessionBindResult> BindUserAsync(string id, string userId, SessionDevice? device, UserSessionLimit limit)
    {
        readCache?.Forget(id);
        return caller.CallUserSessionsAsync("bind_user", userId, (g, ct) => g.BindAsync(id, device, limit, ct));
    }

    public Task<bool> UnbindUserAsync(string id, string userId)
    {
        readCache?.Forget(id);
        return caller.CallUserSessionsAsync("unbind_user", userId, (g, ct) => g.UnbindAsync(id, ct));
    }

    public Task DestroyAsync(string id)
    {
        readCache?.Forget(id);
        return caller.CallAsync("destroy", id, static async (g, ct) => { await g.DestroyAsync(ct); return true; });
    }

    public async Task<SessionIncrementResult> IncrementAsync(string id, string key, long delta)
    {
        var operationId = Guid.NewGuid();
        var result = await ChangeAsync("increment", id, (g, ct) => g.IncrementAsync(key, delta, readCache?.Holder, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        var value = SessionValueFormat.FormatInt64(result.Value);
        readCache?.Written(id, new SessionWriteResult(result.Status, result.Version), data => new(data, StringComparer.Ordinal) { [key] = value });
        return result;
    }

    public void LogSessionEnded() => SessionFrontEndLog.SessionEndedDuringRequest(logger);

    private async Task<SessionSnapshot?> LoadLeasedAsync(string id, SessionReadCache cache)
    {
        // One ticket over all attempts: the entry's lease counts from the first, so it never outlasts the grain's.
        var (lease, ticket) = cache.BeginLoad();
        var snapshot = await caller.CallAsync("load", id, (g, ct) => g.LoadAsync(lease, ct));
        if (snapshot is not null)
        {
            cache.Loaded(id, snapshot, ticket);
        }

        return snapshot;
    }

    /// <summary>
    /// A data change. When an attempt fails the change may have been applied, and the grain keeps this front end's lease
    /// through its own writes, so the cached copy is dropped before a retry and when the call fails.
    /// </summary>
    private async Task<T> ChangeAsync<T>(string operation, string id, Func<ISessionGrain, CancellationToken, Task<T>> change)
    {
        try
        {
            return await caller.CallAsync(operation, id, change, readCache is null ? null : () => readCache.Forget(id));
        }
        catch (SessionUnavailableException)
        {
            readCache?.Forget(id);
            throw;
        }
    }

    private async Task<SessionWriteResult> WriteAsync(string operation, string id, Func<ISessionGrain, CancellationToken, Task<SessionWriteResult>> write)
    {
        var result = await caller.CallAsync(operation, id, write);
        ThrowIfRefused(result.Status, result.Error);
        return result;
    }

    private static void ThrowIfRefused(SessionWriteStatus status, string? error)
    {
        switch (status)
        {
            case SessionWriteStatus.LimitExceeded:
                throw new SessionLimitExceededException(error ?? "A session limit would be exceeded.");
            case SessionWriteStatus.InvalidRequest:
                throw new InvalidOperationException(error ?? "The session grain refused the request.");
        }
    }
}
