using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// The front end's calls to session and user-index grains, retried within SessionCallOptions; refusals become exceptions,
// and loads are served without a call from a co-hosted silo or, under a read lease, from SessionReadCache.
internal sealed class SessionGrainClient
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShortestAttempt = TimeSpan.FromMilliseconds(100);

    private readonly SessionCallOptions _options;
    private readonly SessionCallDeadlines _deadlines;
    private readonly SessionFrontEndMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ILocalSessionReader? _localSessions;
    private readonly SessionReadCache? _readCache;
    private readonly Func<string, ISessionGrain> _sessionGrain;         // made once: no allocation per call
    private readonly Func<string, IUserSessionsGrain> _userSessionsGrain;

    internal SessionGrainClient(
        IGrainFactory grains,
        SessionCallOptions options,
        SessionFrontEndMetrics metrics,
        ILogger<SessionGrainClient> logger,
        ILocalSessionReader? localSessions = null,
        SessionReadCache? readCache = null)
    {
        _options = options;
        _deadlines = new SessionCallDeadlines(options.Timeout, TimeProvider.System);
        _metrics = metrics;
        _logger = logger;
        _localSessions = localSessions;
        _readCache = readCache;
        _sessionGrain = ReferencesTo<ISessionGrain>(grains);
        _userSessionsGrain = ReferencesTo<IUserSessionsGrain>(grains);
    }

    // The read path is chosen when the app starts, whatever the order of UseOrleans and AddGrainSessions.
    internal static SessionGrainClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value;
        var localSessions = services.GetService<ILocalSessionReader>();
        var leased = localSessions is null && options.ReadLease > TimeSpan.Zero;
        return new SessionGrainClient(
            services.GetRequiredService<IGrainFactory>(),
            options.Calls,
            services.GetRequiredService<SessionFrontEndMetrics>(),
            services.GetRequiredService<ILogger<SessionGrainClient>>(),
            localSessions,
            leased ? services.GetRequiredService<SessionReadCache>() : null);
    }

    public Task<SessionSnapshot?> LoadAsync(string id)
    {
        if (_localSessions?.TryLoad(id) is { } local)
        {
            return Task.FromResult<SessionSnapshot?>(local);
        }

        if (_readCache is null)
        {
            return CallAsync("load", id, static (g, ct) => g.LoadAsync(null, ct));
        }

        var cached = _readCache.TryGet(id);
        _metrics.ReadLeaseLookup(hit: cached is not null);
        return cached is null ? LoadLeasedAsync(id, _readCache) : Task.FromResult<SessionSnapshot?>(cached);
    }

    // For a session API caller's own read cache: always the grain, which grants the lease (never a local or cached copy).
    public Task<SessionSnapshot?> LoadUnderLeaseAsync(string id, SessionReadLease lease)
        => CallAsync("load", id, (g, ct) => g.LoadAsync(lease, ct));

    public Task<SessionWriteResult> CreateAsync(string id, SessionTimeouts timeouts, SessionChangeSet? data)
        => CreateAsync(id, timeouts, data, Guid.NewGuid());

    // The overloads with an operation ID take the caller's (the session API's client sends it again on its retries; an
    // Idempotency-Key request derives it from the key).
    public Task<SessionWriteResult> CreateAsync(string id, SessionTimeouts timeouts, SessionChangeSet? data, Guid operationId)
        => WriteAsync("create", id, (g, ct) => g.CreateAsync(timeouts, data, operationId, ct));

    public Task<SessionWriteResult> ApplyAsync(string id, SessionChangeSet changes) => ApplyAsync(id, changes, Guid.NewGuid());

    // A session API caller with its own read lease (leaseHolder) keeps it through its own writes, as this front end does.
    public async Task<SessionWriteResult> ApplyAsync(string id, SessionChangeSet changes, Guid operationId, ISessionReadCache? leaseHolder = null)
    {
        var sentAt = Stopwatch.GetTimestamp();
        var result = await ChangeAsync("apply", id, (g, ct) => g.ApplyAsync(changes, leaseHolder ?? _readCache?.Holder, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        ApplyToReadCache(id, leaseHolder, result, sentAt, changes.ApplyTo);
        return result;
    }

    public Task<SessionWriteResult> TouchAsync(string id) => WriteAsync("touch", id, static (g, ct) => g.TouchAsync(ct));

    // A session bound to a user regenerates through the user's index, which follows the move.
    public async Task<SessionWriteResult> RegenerateAsync(
        string id, string newId, SessionTimeouts timeouts, SessionChangeSet? changes, string? userId, Guid operationId)
    {
        _readCache?.Forget(id);
        if (userId is null)
        {
            return await WriteAsync("regenerate", id, (g, ct) => g.RegenerateAsync(newId, timeouts, changes, operationId, ct));
        }

        var result = await CallUserSessionsAsync("regenerate", userId, (g, ct) => g.RegenerateAsync(id, newId, timeouts, changes, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        return result;
    }

    public async Task<SessionIncrementResult> IncrementAsync(string id, string key, long delta, Guid operationId, ISessionReadCache? leaseHolder = null)
    {
        var sentAt = Stopwatch.GetTimestamp();
        var result = await ChangeAsync("increment", id, (g, ct) => g.IncrementAsync(key, delta, leaseHolder ?? _readCache?.Holder, operationId, ct));
        ThrowIfRefused(result.Status, result.Error);
        var value = SessionValueFormat.FormatInt64(result.Value);
        var written = new SessionWriteResult(result.Status, result.Version) { Lease = result.Lease };
        ApplyToReadCache(id, leaseHolder, written, sentAt, data => new(data, StringComparer.Ordinal) { [key] = value });
        return result;
    }

    public Task DestroyAsync(string id)
    {
        _readCache?.Forget(id);
        return CallAsync("destroy", id, static async (g, ct) => { await g.DestroyAsync(ct); return true; });
    }

    public Task<UserSessionBindResult> BindUserAsync(string id, string userId, SessionDevice? device, UserSessionLimit limit)
    {
        _readCache?.Forget(id);
        return CallUserSessionsAsync("bind_user", userId, (g, ct) => g.BindAsync(id, device, limit, ct));
    }

    public Task<bool> UnbindUserAsync(string id, string userId)
    {
        _readCache?.Forget(id);
        return CallUserSessionsAsync("unbind_user", userId, (g, ct) => g.UnbindAsync(id, ct));
    }

    public Task<IReadOnlyList<UserSessionInfo>> ListUserSessionsAsync(string userId)
        => CallUserSessionsAsync("list_user_sessions", userId, static (g, ct) => g.ListAsync(ct));

    public Task<SessionRequestClaim> ClaimRequestAsync(string id, Guid key, Guid fingerprint, Guid attempt, TimeSpan lease)
        => CallAsync("claim_request", id, (g, ct) => g.ClaimRequestAsync(key, fingerprint, attempt, lease, ct));

    // Repeating it is harmless: the first recorded response of a key stays.
    public Task<bool> RecordResponseAsync(string id, Guid key, Guid fingerprint, Guid attempt, SessionRecordedResponse response)
        => CallAsync("record_response", id, (g, ct) => g.RecordResponseAsync(key, fingerprint, attempt, response, ct));

    public Task ReleaseRequestAsync(string id, Guid key, Guid attempt)
        => CallAsync("release_request", id, async (g, ct) => { await g.ReleaseRequestAsync(key, attempt, ct); return true; });

    public Task<bool> RevokeAsync(string userId, string handle)
        => CallUserSessionsAsync("revoke", userId, (g, ct) => g.RevokeAsync(handle, ct));

    public Task<int> RevokeAllAsync(string userId, string? keepHandle)
        => CallUserSessionsAsync("revoke_all", userId, (g, ct) => g.RevokeAllAsync(keepHandle, ct));

    // A write under a session API caller's lease revoked this front end's own copy (the grain kept only the caller's).
    private void ApplyToReadCache(
        string id, ISessionReadCache? leaseHolder, SessionWriteResult result, long sentAt, Func<IReadOnlyDictionary<string, byte[]>, Dictionary<string, byte[]>> change)
    {
        if (leaseHolder is null)
        {
            _readCache?.ApplyWrite(id, result, sentAt, change);
        }
        else
        {
            _readCache?.Forget(id);
        }
    }

    private async Task<SessionSnapshot?> LoadLeasedAsync(string id, SessionReadCache cache)
    {
        // One ticket over all attempts: the entry's lease counts from the first, so it never outlasts the grain's.
        var (lease, ticket) = cache.BeginLoad();
        var snapshot = await CallAsync("load", id, (g, ct) => g.LoadAsync(lease, ct));
        if (snapshot is not null)
        {
            cache.CacheLoad(id, snapshot, ticket);
        }

        return snapshot;
    }

    // A failed attempt may have applied the change, and the grain keeps this front end's lease through its own writes:
    // the cached copy is dropped before a retry and when the call fails.
    private Task<T> ChangeAsync<T>(string operation, string id, Func<ISessionGrain, CancellationToken, Task<T>> change)
        => RetryAsync(operation, id, _sessionGrain, change, failedAttemptDropsCopy: true);

    private async Task<SessionWriteResult> WriteAsync(string operation, string id, Func<ISessionGrain, CancellationToken, Task<SessionWriteResult>> write)
    {
        var result = await CallAsync(operation, id, write);
        ThrowIfRefused(result.Status, result.Error);
        return result;
    }

    private Task<T> CallAsync<T>(string operation, string id, Func<ISessionGrain, CancellationToken, Task<T>> call)
        => RetryAsync(operation, id, _sessionGrain, call, failedAttemptDropsCopy: false);

    private Task<T> CallUserSessionsAsync<T>(string operation, string userId, Func<IUserSessionsGrain, CancellationToken, Task<T>> call)
        => RetryAsync(operation, userId, _userSessionsGrain, call, failedAttemptDropsCopy: false);

    // A retried call must be safe to repeat: a read, an idempotent write, or a write with one operation ID over all attempts.
    // Deadlines run on real time, never on the app's (possibly fake) session clock.
    private async Task<T> RetryAsync<TGrain, T>(
        string operation, string key, Func<string, TGrain> resolve, Func<TGrain, CancellationToken, Task<T>> call, bool failedAttemptDropsCopy)
    {
        var started = TimeProvider.System.GetTimestamp();
        var pause = FirstPause;
        for (var number = 1; ; number++)
        {
            var remaining = _options.RetryDeadline - TimeProvider.System.GetElapsedTime(started);
            // A pause can outlast its plan on a loaded machine: every attempt still gets at least ShortestAttempt. Only an
            // attempt cut short by the retry deadline needs a timer of its own.
            using var shortened = remaining < _options.Timeout ? new CancellationTokenSource(remaining < ShortestAttempt ? ShortestAttempt : remaining) : null;
            MarkRetried(number == 2);
            try
            {
                var result = await call(resolve(key), shortened?.Token ?? _deadlines.Next());
                _metrics.CallEnded(operation, TimeProvider.System.GetElapsedTime(started), failed: false);
                return result;
            }
            catch (Exception exception)
            {
                var wait = pause * (0.5 + Random.Shared.NextDouble()); // jitter spreads the retries of many requests
                remaining = _options.RetryDeadline - TimeProvider.System.GetElapsedTime(started);
                if (failedAttemptDropsCopy)
                {
                    _readCache?.Forget(key);
                }

                if (!IsTransient(exception) || number >= _options.MaxAttempts || remaining - wait < ShortestAttempt)
                {
                    SessionFrontEndLog.ClusterCallFailed(_logger, number, exception);
                    _metrics.CallEnded(operation, TimeProvider.System.GetElapsedTime(started), failed: true);
                    throw new SessionUnavailableException("The session store is unavailable.", exception);
                }

                SessionFrontEndLog.CallRetried(_logger, number, wait, exception.GetType().Name);
                _metrics.CallRetried(operation);
                await Task.Delay(wait);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    // From a write's second attempt on (or every attempt of a write its caller sends again), the grain keeps the write's
    // ID for the whole window: an earlier attempt may still arrive after many other writes.
    internal static void MarkRetried(bool retried)
    {
        if (retried)
        {
            RequestContext.Set(SessionOperationWindow.RetriedContextKey, true);
        }
    }

    // Failures of the cluster's machinery that another attempt may not meet (messaging, membership, deadlines, network);
    // errors of the call itself (arguments, serialization, a failing storage provider) are not retried.
    internal static bool IsTransient(Exception exception) => exception
        is OrleansException or TimeoutException or OperationCanceledException or IOException or SocketException;

    private static void ThrowIfRefused(SessionWriteStatus status, string? error)
    {
        switch (status)
        {
            case SessionWriteStatus.LimitExceeded:
                throw new SessionLimitExceededException(error ?? "A session limit would be exceeded.");
            case SessionWriteStatus.InvalidRequest:
                throw new SessionRequestRefusedException(error ?? "The session grain refused the request.");
        }
    }

    // GetGrain<T>(key) reads the interface's attributes by reflection on every call; the types are resolved once
    // (PublicationOnly: a failure, e.g. a client not yet started, is not kept for the app's lifetime).
    private static Func<string, TGrain> ReferencesTo<TGrain>(IGrainFactory grains) where TGrain : IGrainWithStringKey
    {
        var types = new Lazy<(GrainType Grain, GrainInterfaceType Interface)>(() =>
        {
            var reference = (GrainReference)(object)grains.GetGrain<TGrain>("type-probe");
            return (reference.GrainId.Type, reference.InterfaceType);
        }, LazyThreadSafetyMode.PublicationOnly);
        return key => (TGrain)grains.GetGrain(GrainId.Create(types.Value.Grain, key), types.Value.Interface);
    }
}

/// <summary>The grain refused a write as invalid (<see cref="SessionWriteStatus.InvalidRequest"/>): a null value, a value that is no integer, an overflow.</summary>
internal sealed class SessionRequestRefusedException(string message) : InvalidOperationException(message);
