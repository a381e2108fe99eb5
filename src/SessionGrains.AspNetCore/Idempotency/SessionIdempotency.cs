using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SessionGrains.AspNetCore;

// Requests with an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on a presented session: the first attempt
// claims the key in the session grain, runs with derived operation IDs (so any attempt's session writes apply once) and
// records its response before the client sees it; a retry is answered that response, a duplicate in flight 409, the key
// reused by another request 422, a malformed key 400.
internal sealed class SessionIdempotency(IOptions<SessionFrontEndOptions> options, SessionGrainClient client, ILogger<SessionIdempotency> logger)
{
    // Connection-specific or per-response fields, made afresh for every response.
    private static readonly HashSet<string> NotRecorded = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.ContentLength, HeaderNames.TransferEncoding, HeaderNames.Connection,
        HeaderNames.KeepAlive, HeaderNames.Upgrade, HeaderNames.ProxyConnection, HeaderNames.Trailer,
    };

    private readonly SessionIdempotencyOptions _options = options.Value.IdempotencyKeys;

    /// <summary>The request carries the header, has an unsafe method, and its endpoint (or the options) honour it.</summary>
    public bool AppliesTo(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.ContainsKey(IdempotencyKeyHeader.Name)
            || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return false;
        }

        return context.GetEndpoint()?.Metadata.GetMetadata<SessionIdempotentAttribute>()?.Enabled ?? _options.AllUnsafeRequests;
    }

    /// <summary>Runs <paramref name="run"/> (the app and the session commit) as the key's one attempt, or answers without it.</summary>
    public async Task InvokeAsync(HttpContext context, GrainSession session, Func<Task> run)
    {
        if (!IdempotencyKeyHeader.TryParse(context.Request.Headers[IdempotencyKeyHeader.Name], out var key, out var error))
        {
            SessionIdempotencyLog.KeyRefused(logger, error!);
            await AnswerAsync(context, session, StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", $"The Idempotency-Key header is invalid: {error}.");
            return;
        }

        // Without a session the key has no scope: the request runs as if it had none.
        if (session.Work.Presented.Count > 0)
        {
            var fingerprint = await IdempotentRequest.FingerprintAsync(context.Request, context.RequestAborted);
            foreach (var presented in session.Work.Presented)
            {
                var request = new IdempotentRequest(presented.Id, key, fingerprint);
                var claim = await client.ClaimRequestAsync(request.SessionId, request.Key, request.Fingerprint, request.Attempt, _options.InFlightLease);
                switch (claim.Status)
                {
                    case SessionRequestClaimStatus.NoSession:
                        continue;
                    case SessionRequestClaimStatus.Claimed:
                        await RunClaimedAsync(context, session, request, run);
                        return;
                    case SessionRequestClaimStatus.Completed:
                        SessionIdempotencyLog.Replayed(logger, claim.Response!.StatusCode);
                        session.Work.Committed = true;
                        await ReplayAsync(context.Response, claim.Response);
                        return;
                    case SessionRequestClaimStatus.InFlight:
                        SessionIdempotencyLog.InFlight(logger);
                        context.Response.Headers.RetryAfter = "1";
                        await AnswerAsync(context, session, StatusCodes.Status409Conflict, "A request is outstanding for this Idempotency-Key",
                            "A request with the same Idempotency-Key is being processed; retry it later.");
                        return;
                    default:
                        SessionIdempotencyLog.KeyReused(logger);
                        await AnswerAsync(context, session, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key is already used",
                            "This Idempotency-Key was used with a different request (method, path, query or body); send a new key.");
                        return;
                }
            }
        }

        await run();
    }

    private async Task RunClaimedAsync(HttpContext context, GrainSession session, IdempotentRequest request, Func<Task> run)
    {
        session.Work.Idempotent = request;
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new RecordingResponseBody(original.Stream, _options.MaxRecordedBodyBytes);
        var recording = new StreamResponseBodyFeature(body, original);
        context.Features.Set<IHttpResponseBodyFeature>(recording);
        var ran = false;
        using (var renewal = new CancellationTokenSource())
        {
            var renewing = RenewAsync(request, renewal.Token);
            try
            {
                await run();
                await recording.CompleteAsync(); // the app's PipeWriter, if it used one, into the body
                ran = true;
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
                context.Features.Set(original);
                if (!ran)
                {
                    await ReleaseAsync(request); // the app failed: a retry runs it again
                }
            }
        }

        await RecordAndSendAsync(context, request, body);
    }

    // The response is recorded after its OnStarting callbacks (cookies) ran and before its body goes out: a client that
    // received a whole body can only be answered the same one.
    private async Task RecordAndSendAsync(HttpContext context, IdempotentRequest request, RecordingResponseBody body)
    {
        var response = context.Response;
        if (body.Held is not { } held || response.HasStarted)
        {
            SessionIdempotencyLog.NotRecorded(logger, "the body outgrew IdempotencyKeys:MaxRecordedBodyBytes");
            await ReleaseAsync(request);
            await body.SendHeldAsync(context.RequestAborted);
            return;
        }

        if (response.ContentLength is null && MayHaveBody(response.StatusCode))
        {
            response.ContentLength = held.Length;
        }

        if (response.StatusCode < StatusCodes.Status500InternalServerError)
        {
            await response.StartAsync(context.RequestAborted);
        }

        if (response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            SessionIdempotencyLog.NotRecorded(logger, $"status {response.StatusCode} (a server error is retried, not answered again)");
            await ReleaseAsync(request);
        }
        else
        {
            await RecordAsync(request, new SessionRecordedResponse(response.StatusCode, HeadersOf(response), held.ToArray()));
        }

        await body.SendHeldAsync(context.RequestAborted);
    }

    private async Task RenewAsync(IdempotentRequest request, CancellationToken stop)
    {
        var period = _options.InFlightLease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(period, stop);
                await client.ClaimRequestAsync(request.SessionId, request.Key, request.Fingerprint, request.Attempt, _options.InFlightLease);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (SessionStoreException exception)
        {
            SessionIdempotencyLog.ClaimCallFailed(logger, exception); // the claim lapses: a duplicate may run, its session writes apply once
        }
    }

    private async Task RecordAsync(IdempotentRequest request, SessionRecordedResponse response)
    {
        try
        {
            if (!await client.RecordResponseAsync(request.SessionId, request.Key, request.Fingerprint, request.Attempt, response))
            {
                SessionIdempotencyLog.NotRecorded(logger, "the session ended, or its data leaves no room under MaxSessionBytes");
            }
        }
        catch (SessionStoreException exception)
        {
            SessionIdempotencyLog.ClaimCallFailed(logger, exception);
        }
    }

    private async Task ReleaseAsync(IdempotentRequest request)
    {
        try
        {
            await client.ReleaseRequestAsync(request.SessionId, request.Key, request.Attempt);
        }
        catch (SessionStoreException exception)
        {
            SessionIdempotencyLog.ClaimCallFailed(logger, exception); // the claim lapses by itself
        }
    }

    private static async Task ReplayAsync(HttpResponse response, SessionRecordedResponse recorded)
    {
        response.StatusCode = recorded.StatusCode;
        foreach (var (name, value) in recorded.Headers)
        {
            response.Headers.Append(name, value);
        }

        if (MayHaveBody(recorded.StatusCode))
        {
            response.ContentLength = recorded.Body.Length;
            await response.Body.WriteAsync(recorded.Body);
        }
    }

    // No session work runs: the end-of-request commit is skipped too.
    private static async Task AnswerAsync(HttpContext context, GrainSession session, int status, string title, string detail)
    {
        session.Work.Committed = true;
        await Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }

    private static KeyValuePair<string, string>[] HeadersOf(HttpResponse response)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers)
        {
            if (!NotRecorded.Contains(name))
            {
                foreach (var value in values)
                {
                    headers.Add(KeyValuePair.Create(name, value ?? ""));
                }
            }
        }

        return [.. headers];
    }

    private static bool MayHaveBody(int status) => status >= 200 && status != StatusCodes.Status204NoContent && status != StatusCodes.Status304NotModified;
}
