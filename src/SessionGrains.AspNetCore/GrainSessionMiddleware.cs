using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// Puts a lazy GrainSession into HttpContext.Session for requests under the cookie path, and commits it before the response
// starts; a session failure is answered with its status code while the response has not started. A request with an
// Idempotency-Key that its endpoint honours runs through SessionIdempotency.
internal sealed class GrainSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SessionFrontEndOptions _options;
    private readonly SessionCookieReader _cookies;
    private readonly SessionGrainClient _client;
    private readonly SessionCommitter _committer;
    private readonly UserBindingRules _users;
    private readonly SessionIdempotency _idempotency;
    private readonly SessionFrontEndActivities _activities;
    private readonly SessionFrontEndMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _commitBeforeResponseStarts;

    public GrainSessionMiddleware(
        RequestDelegate next,
        IOptions<SessionFrontEndOptions> options,
        SessionCookieReader cookies,
        SessionGrainClient client,
        SessionCommitter committer,
        UserBindingRules users,
        SessionIdempotency idempotency,
        SessionFrontEndActivities activities,
        SessionFrontEndMetrics metrics,
        TimeProvider clock,
        ILogger<GrainSessionMiddleware> logger)
    {
        _next = next;
        _options = options.Value;
        _cookies = cookies;
        _client = client;
        _committer = committer;
        _users = users;
        _idempotency = idempotency;
        _activities = activities;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        _commitBeforeResponseStarts = CommitBeforeResponseStartsAsync;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!PathMatches(context.Request, _options.Cookie.Path))
        {
            await _next(context);
            return;
        }

        var presented = _cookies.Read(context.Request);
        var work = new SessionUnitOfWork(_client, _cookies, _activities, _logger, _options, context, presented);
        var session = new GrainSession(work, new SessionCookie(_options.Cookie, _clock), _committer, _users);
        var feature = new GrainSessionFeature(session);
        context.Features.Set<ISessionFeature>(feature);
        context.Features.Set(feature);
        context.Response.OnStarting(_commitBeforeResponseStarts, session);

        if (!_idempotency.AppliesTo(context))
        {
            await RunAsync(context, session);
            return;
        }

        try
        {
            await _idempotency.InvokeAsync(context, session, () => RunAsync(context, session));
        }
        catch (SessionStoreException exception) when (!context.Response.HasStarted)
        {
            await WriteFailureAsync(context, exception); // the key's claim could not be made
        }
    }

    // The app, then the commit.
    private async Task RunAsync(HttpContext context, GrainSession session)
    {
        try
        {
            if (_options.Preload && session.Work.Presented.Count > 0)
            {
                await TryPreloadAsync(session);
            }

            await _next(context);
        }
        catch (SessionStoreException exception) when (!context.Response.HasStarted)
        {
            await WriteFailureAsync(context, exception);
            return;
        }

        if (!context.Response.HasStarted)
        {
            try
            {
                await _committer.CommitAtEndAsync(session);
            }
            catch (SessionStoreException exception)
            {
                await WriteFailureAsync(context, exception);
            }
        }
    }

    /// <summary>RFC 6265 path-match: "/foo" matches "/foo" and "/foo/bar", not "/foobar".</summary>
    internal static bool PathMatches(HttpRequest request, string cookiePath)
    {
        var path = (request.PathBase + request.Path).Value;
        if (string.IsNullOrEmpty(path))
        {
            path = "/";
        }

        if (!path.StartsWith(cookiePath, StringComparison.Ordinal))
        {
            return false;
        }

        return path.Length == cookiePath.Length || cookiePath.EndsWith('/') || path[cookiePath.Length] == '/';
    }

    // A failed preload is left for the first use of the session to report.
    private static async Task TryPreloadAsync(GrainSession session)
    {
        try
        {
            await session.LoadAsync();
        }
        catch (SessionUnavailableException)
        {
        }
    }

    private async Task CommitBeforeResponseStartsAsync(object state)
    {
        var session = (GrainSession)state;
        try
        {
            await _committer.CommitAtEndAsync(session);
        }
        catch (SessionStoreException exception)
        {
            // The app is writing its body; the status still tells the client that the session was not saved.
            ReportFailure(exception);
            session.Work.Context.Response.StatusCode = exception.StatusCode;
        }
    }

    private async Task WriteFailureAsync(HttpContext context, SessionStoreException exception)
    {
        ReportFailure(exception);
        context.Response.Clear();
        context.Response.StatusCode = exception.StatusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(exception switch
        {
            SessionLimitExceededException => "Session data too large.\n",
            UserSessionLimitReachedException => "Session limit reached: the user has the most sessions allowed.\n",
            _ => "Session store unavailable.\n",
        });
    }

    private void ReportFailure(SessionStoreException exception)
    {
        SessionFrontEndLog.CommitFailed(_logger, exception.StatusCode, exception);
        _metrics.RequestFailed(exception.StatusCode);
    }
}
