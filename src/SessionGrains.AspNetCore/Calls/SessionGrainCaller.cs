using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Sends calls to session grains within the <see cref="SessionCallOptions"/> budget: every attempt under its own
/// deadline (Orleans cancels the call, at the grain too), transient failures sent again after a growing pause, and
/// <see cref="SessionUnavailableException"/> once the budget is spent or the failure is not transient. Deadlines run on
/// real time, never on the app's (possibly fake) session clock.
/// </summary>
internal sealed class SessionGrainCaller(
    IGrainFactory grains, IOptions<SessionFrontEndOptions> sessionOptions, SessionFrontEndMetrics metrics, ILogger<SessionGrainCaller> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShortestAttempt = TimeSpan.FromMilliseconds(100);
    private readonly SessionCallOptions options = sessionOptions.Value.Calls;
    private readonly GrainReferenceResolver<ISessionGrain> _sessions = new(grains);
    private readonly GrainReferenceResolver<IUserSessionsGrain> _users = new(grains);
    private Func<string, ISessionGrain>? _sessionGrain;            // cached delegates: no allocation per call
    private Func<string, IUserSessionsGrain>? _userSessionsGrain;

    /// <summary>
    /// Calls the grain of session <paramref name="id"/>; <paramref name="operation"/> names the call in metrics. A retried
    /// call must be safe to repeat: a read, an idempotent write, or a write that carries one operation ID over all
    /// attempts. <paramref name="beforeRetry"/> runs before every repeat (the first attempt's outcome is unknown by then).
    /// </summary>
    public Task<T> CallAsync<T>(string operation, string id, Func<ISessionGrain, CancellationToken, Task<T>> call, Action? beforeRetry = null)
        => RetryAsync(operation, id, _sessionGrain ??= _sessions.Get, call, beforeRetry);

    /// <summary>Calls the session index of user <paramref name="userId"/>, as <see cref="CallAsync{T}"/> calls sessions.</summary>
    public Task<T> CallUserSessionsAsync<T>(string operation, string userId, Func<IUserSessionsGrain, CancellationToken, Task<T>> call)
        => RetryAsync(operation, userId, _userSessionsGrain ??= _users.Get, call, beforeRetry: null);

    private async Task<T> RetryAsync<TGrain, T>(
        string operation, string key, Func<string, TGrain> resolve, Func<TGrain, CancellationToken, Task<T>> call, Action? beforeRetry)
    {
        var started = TimeProvider.System.GetTimestamp();
        var pause = FirstPause;
        for (var number = 1; ; number++)
        {
            var remaining = options.RetryDeadline - TimeProvider.System.GetElapsedTime(started);
            // A pause can outlast its plan on a loaded machine: every attempt still gets at least ShortestAttempt.
            using var deadline = new CancellationTokenSource(remaining < ShortestAttempt ? ShortestAttempt : remaining < options.Timeout ? remaining : options.Timeout);
            try
            {
                var result = await call(resolve(key), deadline.Token);
                metrics.CallEnded(operation, TimeProvider.System.GetElapsedTime(started), failed: false);
                return result;
            }
            catch (Exception exception)
            {
                var wait = pause * (0.5 + Random.Shared.NextDouble()); // jitter spreads the retries of many requests
                remaining = options.RetryDeadline - TimeProvider.System.GetElapsedTime(started);
                if (!IsTransient(exception) || number >= options.MaxAttempts || remaining - wait < ShortestAttempt)
                {
                    SessionFrontEndLog.ClusterCallFailed(logger, number, exception);
                    metrics.CallEnded(operation, TimeProvider.System.GetElapsedTime(started), failed: true);
                    throw new SessionUnavailableException("The session store is unavailable.", exception);
                }

                SessionFrontEndLog.CallRetried(logger, number, wait, exception.GetType().Name);
                metrics.CallRetried(operation);
                beforeRetry?.Invoke();
                await Task.Delay(wait);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    /// <summary>
    /// A failure of the cluster's machinery that another attempt may not meet: Orleans' messaging and membership
    /// errors (silo unavailable, message rejected, gateway gone or busy, connection failed, inconsistent storage state),
    /// timeouts and cancellations (an attempt's deadline), and network I/O. Errors of the call itself (bad arguments,
    /// serialization, a failing storage provider) are not.
    /// </summary>
    private static bool IsTransient(Exception exception) => exception
        is OrleansException or TimeoutException or OperationCanceledException or IOException or SocketException;
}
