using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The front end's calls to session grains: cluster failures become <see cref="SessionUnavailableException"/>, refused
/// limits <see cref="SessionLimitExceededException"/>; "no session" and "already exists" are returned to the caller.
/// Loads of sessions active in a co-hosted silo are read locally (<see cref="ILocalSessionReader"/>), without a call.
/// </summary>
internal sealed class GrainSessionStore(IGrainFactory grains, ILogger<GrainSessionStore> logger, ILocalSessionReader? localSessions = null)
{
    // GetGrain<ISessionGrain>(id) reads the interface's attributes by reflection on every call; resolve them once.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var reference = (GrainReference)grains.GetGrain<ISessionGrain>("type-probe");
        return (reference.GrainId.Type, reference.InterfaceType);
    });

    public Task<SessionSnapshot?> LoadAsync(string id)
        => localSessions?.TryLoad(id) is { } local ? Task.FromResult<SessionSnapshot?>(local) : CallAsync(id, static g => g.LoadAsync());

    public Task<SessionWriteResult> CreateAsync(string id, SessionSettings settings, SessionChangeSet? data)
        => WriteAsync(id, g => g.CreateAsync(settings, data));

    public Task<SessionWriteResult> ApplyAsync(string id, SessionChangeSet changes) => WriteAsync(id, g => g.ApplyAsync(changes));

    public Task<SessionWriteResult> TouchAsync(string id) => WriteAsync(id, static g => g.TouchAsync());

    public Task<SessionWriteResult> RegenerateAsync(string id, string newId, SessionSettings settings, SessionChangeSet? changes)
        => WriteAsync(id, g => g.RegenerateAsync(newId, settings, changes));

    public Task DestroyAsync(string id) => CallAsync(id, static async g => { await g.DestroyAsync(); return true; });

    public async Task<SessionIncrementResult> IncrementAsync(string id, string key, long delta)
    {
        var result = await CallAsync(id, g => g.IncrementAsync(key, delta));
        ThrowIfRefused(result.Status, result.Error);
        return result;
    }

    public void LogSessionEnded() => GrainSessionLog.SessionEndedDuringRequest(logger);

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
