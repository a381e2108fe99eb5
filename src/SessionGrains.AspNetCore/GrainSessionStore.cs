using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The front end's calls to session grains: cluster failures become <see cref="SessionUnavailableException"/>, refused
/// limits <see cref="SessionLimitExceededException"/>; "no session" and "already exists" are returned to the caller.
/// Loads are served without a call when possible: from a co-hosted silo (<see cref="ILocalSessionReader"/>), or from
/// this front end's <see cref="SessionReadCache"/> while a read lease lasts.
/// </summary>
internal sealed class GrainSessionStore(
    IGrainFactory grains,
    ILogger<GrainSessionStore> logger,
    ILocalSessionReader? localSessions = null,
    SessionReadCache? readCache = null)
{
    // GetGrain<ISessionGrain>(id) reads the interface's attributes by reflection on every call; resolve them once.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var reference = (GrainReference)grains.GetGrain<ISessionGrain>("type-probe");
        return (reference.GrainId.Type, reference.InterfaceType);
    });

    public Task<SessionSnapshot?> LoadAsync(string id)
    {
        if ((localSessions?.TryLoad(id) ?? readCache?.TryGet(id)) is { } snapshot)
        {
            return Task.FromResult<SessionSnapshot?>(snapshot);
        }

        return readCache is null ? CallAsync(id, static g => g.LoadAsync()) : LoadLeasedAsync(id, readCache);
    }

    public Task<SessionWriteResult> CreateAsync(string id, SessionSettings settings, SessionChangeSet? data)
        => WriteAsync(id, g => g.CreateAsync(settings, data));

    public async Task<SessionWriteResult> ApplyAsync(string id, SessionChangeSet changes)
    {
        var result = await ChangeAsync(id, g => g.ApplyAsync(changes, readCache?.Holder));
        ThrowIfRefused(result.Status, result.Error);
        readCache?.Written(id, result, changes.ApplyTo);
        return result;
    }

    public Task<SessionWriteResult> TouchAsync(string id) => WriteAsync(id, static g => g.TouchAsync());

    public Task<SessionWriteResult> RegenerateAsync(string id, string newId, SessionSettings settings, SessionChangeSet? changes)
    {
        readCache?.Forget(id);
        return WriteAsync(id, g => g.RegenerateAsync(newId, settings, changes));
    }

    public Task DestroyAsync(string id)
    {
        readCache?.Forget(id);
        return CallAsync(id, static async g => { await g.DestroyAsync(); return true; });
    }

    public async Task<SessionIncrementResult> IncrementAsync(string id, string key, long delta)
    {
        var result = await ChangeAsync(id, g => g.IncrementAsync(key, delta, readCache?.Holder));
        ThrowIfRefused(result.Status, result.Error);
        var value = SessionValueFormat.FormatInt64(result.Value);
        readCache?.Written(id, new SessionWriteResult(result.Status, result.Version), data => new(data, StringComparer.Ordinal) { [key] = value });
        return result;
    }

    public void LogSessionEnded() => GrainSessionLog.SessionEndedDuringRequest(logger);

    private async Task<SessionSnapshot?> LoadLeasedAsync(string id, SessionReadCache cache)
    {
        var (lease, ticket) = cache.BeginLoad();
        var snapshot = await CallAsync(id, g => g.LoadAsync(lease));
        if (snapshot is not null)
        {
            cache.Loaded(id, snapshot, ticket);
        }

        return snapshot;
    }

    /// <summary>A data change: when the cluster fails mid-call, the cached copy is dropped, as the change may have been applied.</summary>
    private async Task<T> ChangeAsync<T>(string id, Func<ISessionGrain, Task<T>> change)
    {
        try
        {
            return await CallAsync(id, change);
        }
        catch (SessionUnavailableException)
        {
            readCache?.Forget(id);
            throw;
        }
    }

    private async Task<SessionWriteResult> WriteAsync(string id, Func<ISessionGrain, Task<SessionWriteResult>> write)
    {
        var result = await CallAsync(id, write);
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

    private async Task<T> CallAsync<T>(string id, Func<ISessionGrain, Task<T>> call)
    {
        try
        {
            var (grainType, interfaceType) = _types.Value;
            return await call((ISessionGrain)grains.GetGrain(GrainId.Create(grainType, id), interfaceType));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            GrainSessionLog.ClusterCallFailed(logger, exception);
            throw new SessionUnavailableException("The session store is unavailable.", exception);
        }
    }
}
