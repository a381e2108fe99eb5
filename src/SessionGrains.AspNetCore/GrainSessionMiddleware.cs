using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Verifies the signed session cookie, puts a lazy <see cref="GrainSession"/> into <c>HttpContext.Session</c>, and
/// commits it before the response starts. Requests outside <see cref="SessionCookieOptions.Path"/> pass through.
/// </summary>
internal sealed class GrainSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SessionFrontEndOptions _options;
    private readonly SessionCookieSigner _signer;
    private readonly GrainSessionStore _store;
    private readonly SessionCookieWriter _cookieWriter;
    private readonly UserSessionBinder _binder;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _commitBeforeResponseStarts;

    /// <summary>Creates the middleware; <c>UseGrainSessions</c> calls this with the services <c>AddGrainSessions</c> registered.</summary>
    public GrainSessionMiddleware(
        RequestDelegate next,
        IOptions<SessionFrontEndOptions> options,
        SessionCookieSigner signer,
        GrainSessionStore store,
        SessionCookieWriter cookieWriter,
        UserSessionBinder binder,
        TimeProvider clock,
        ILogger<GrainSessionMiddleware> logger)
    {
        _next = next;
        _options = options.Value;
        _signer = signer;
        _clock = clock;
        _logger = logger;
        _store = store;
        _cookieWriter = cookieWriter;
        _binder = binder;
        _commitBeforeResponseStarts = CommitBeforeResponseStartsAsync;
        if (_options.Secrets.Any(s => s.Length < 32))
        {
            SessionFrontEndLog.ShortSecret(_logger);
        }
    }

    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (!PathMatches(context.Request, _options.Cookie.Path))
        {
            await _next(context);
            return;
        }

        var presented = ReadPresentedIds(context.Request);
        var session = new GrainSession(context, _options, _store, _cookieWriter, _binder, _clock, presented);
        var feature = new GrainSessionFeature(session);
        context.Features.Set<ISessionFeature>(feature);
        context.Features.Set(feature);
        context.Response.OnStarting(_commitBeforeResponseStarts, session);

        try
        {
            if (_options.Preload && presented.Count > 0)
            {
                await session.TryPreloadAsync();
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
                await session.CommitAtEndAsync();
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

    private List<PresentedSessionId> ReadPresentedIds(HttpRequest request)
    {
        var presented = new List<PresentedSessionId>(1);
        if (_options.HeaderName is { } headerName)
        {
            foreach (var value in request.Headers[headerName])
            {
                AddIfVerified(presented, SessionCookieCodec.Decode(value));
            }
        }

        foreach (var value in SessionCookieCodec.ReadAll(request.Headers.Cookie, _options.Name))
        {
            AddIfVerified(presented, value);
        }

        return presented;
    }

    private void AddIfVerified(List<PresentedSessionId> presented, string value)
    {
        if (_signer.Verify(value, out var id, out var secretIndex) is { } rejection)
        {
            SessionFrontEndLog.SignatureRejected(_logger);
            _store.Metrics.CookieRejected(rejection);
        }
        else if (!IsPresented(presented, id))
        {
            presented.Add(new PresentedSessionId(id, secretIndex));
        }
    }

    private static bool IsPresented(List<PresentedSessionId> presented, string id)
    {
        foreach (var p in presented)
        {
            if (p.Id == id)
            {
                return true;
            }
        }

        return false;
    }

    private async Task CommitBeforeResponseStartsAsync(object state)
    {
        var session = (GrainSession)state;
        try
        {
            await session.CommitAtEndAsync();
        }
        catch (SessionStoreException exception)
        {
            // The app is writing its body; the status still tells the client that the session was not saved.
            SessionFrontEndLog.CommitFailed(_logger, exception.StatusCode, exception);
            _store.Metrics.RequestFailed(exception.StatusCode);
            session.HttpContext.Response.StatusCode = exception.StatusCode;
        }
    }

    private async Task WriteFailureAsync(HttpContext context, SessionStoreException exception)
    {
        SessionFrontEndLog.CommitFailed(_logger, exception.StatusCode, exception);
        _store.Metrics.RequestFailed(exception.StatusCode);
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
}
