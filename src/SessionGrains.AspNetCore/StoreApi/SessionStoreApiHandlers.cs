using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// The session API's endpoints (mapped by MapSessionStoreApi): each reads its JSON body, makes its grain calls through
// SessionGrainClient with the caller's operation ID, and answers JSON; every failure is a small {error, message} body.
internal sealed class SessionStoreApiHandlers(
    SessionGrainClient client,
    UserBindingRules users,
    IOptions<SessionFrontEndOptions> frontEnd,
    ILogger<SessionStoreApiHandlers> logger)
{
    /// <summary>The longest session ID or user ID the API accepts for a new session or a user.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The shortest new session ID: 22 characters hold 128 bits in base64url, the least a guessable-proof ID needs.</summary>
    public const int MinNewIdLength = 22;

    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(3650);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // With a lease stream this host serves (its key, or a call on it), the caller gets a read lease (see StoreApiLeaseHolder).
    public Task<StoreApiAnswer> LoadAsync(string id, StoreApiLeaseHolder? holder) => RunAsync("load", async () =>
    {
        var loaded = holder is null
            ? await client.LoadAsync(id)
            : await client.LoadUnderLeaseAsync(id, new SessionReadLease(holder.Reference, holder.Duration));
        if (loaded is not { } snapshot)
        {
            return NoSession();
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var binary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, bytes) in snapshot.Data)
        {
            if (Utf8.IsValid(bytes))
            {
                values[key] = Encoding.UTF8.GetString(bytes);
            }
            else
            {
                binary[key] = Convert.ToBase64String(bytes);
            }
        }

        var user = snapshot.User is { } bound ? new StoreApiUser(bound.UserId, bound.Handle) : null;
        var untilExpiry = snapshot.ExpiresAt - snapshot.LastAccessAt;
        var leaseMs = holder is null ? 0 : (long)(untilExpiry < holder.Duration ? untilExpiry : holder.Duration).TotalMilliseconds;
        return Json(new StoreApiSession(snapshot.Version, values, binary, user) { LeaseMs = Math.Max(0, leaseMs) }, StoreApiJson.Api.StoreApiSession);
    });

    public Task<StoreApiAnswer> CreateAsync(string id, StoreApiRequestBody request) => RunAsync("create", async () =>
    {
        RequireNewId(id, "the session ID");
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiCreateRequest);
        var timeouts = TimeoutsOf(body.IdleTimeoutSeconds, body.AbsoluteTimeoutSeconds);
        var data = new SessionChangeSet { Sets = SetsOf(body.Values, body.Binary) };
        SessionGrainClient.MarkRetried(body.Retried);
        var result = await client.CreateAsync(id, timeouts, data, body.OperationId ?? Guid.NewGuid());
        return result.Status switch
        {
            SessionWriteStatus.Succeeded => Json(new StoreApiVersion(result.Version), StoreApiJson.Api.StoreApiVersion, StatusCodes.Status201Created),
            SessionWriteStatus.AlreadyExists => Error(StatusCodes.Status409Conflict, "already_exists", "A live session holds this ID."),
            _ => Unexpected(result.Status),
        };
    });

    public Task<StoreApiAnswer> ApplyAsync(string id, StoreApiLeaseHolder? holder, StoreApiRequestBody request) => RunAsync("apply", async () =>
    {
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiApplyRequest);
        var removals = body.Removals?.Select(key => key ?? throw Invalid("\"removals\" holds a null key.")).ToList();
        var changes = new SessionChangeSet { Clear = body.Clear, Removals = removals, Sets = SetsOf(body.Values, body.Binary) };
        SessionGrainClient.MarkRetried(body.Retried);
        var result = await client.ApplyAsync(id, changes, body.OperationId ?? Guid.NewGuid(), holder?.Reference);
        return WriteAnswer(result);
    });

    public Task<StoreApiAnswer> IncrementAsync(string id, StoreApiLeaseHolder? holder, StoreApiRequestBody request) => RunAsync("increment", async () =>
    {
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiIncrementRequest);
        if (string.IsNullOrEmpty(body.Key))
        {
            throw Invalid("\"key\" is required.");
        }

        SessionGrainClient.MarkRetried(body.Retried);
        var result = await client.IncrementAsync(id, body.Key, body.Delta, body.OperationId ?? Guid.NewGuid(), holder?.Reference);
        return result.Status switch
        {
            SessionWriteStatus.Succeeded => Json(
                new StoreApiIncremented(result.Value, result.Version) { LeaseMs = (long)result.Lease.TotalMilliseconds }, StoreApiJson.Api.StoreApiIncremented),
            SessionWriteStatus.NoSession => NoSession(),
            _ => Unexpected(result.Status),
        };
    });

    public Task<StoreApiAnswer> DestroyAsync(string id) => RunAsync("destroy", async () =>
    {
        await client.DestroyAsync(id);
        return StoreApiAnswer.NoContent;
    });

    // With keepData, a bound session moves through its user's index (found by loading it), so the index knows the new
    // ID before the old one ends. A retry that finds the old session gone asks the new one whether the move was made.
    public Task<StoreApiAnswer> RegenerateAsync(string id, StoreApiRequestBody request) => RunAsync("regenerate", async () =>
    {
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiRegenerateRequest);
        if (!body.KeepData)
        {
            await client.DestroyAsync(id);
            return Json(new StoreApiVersion(0), StoreApiJson.Api.StoreApiVersion);
        }

        var newId = body.NewId ?? throw Invalid("\"newId\" is required when \"keepData\" is true.");
        RequireNewId(newId, "\"newId\"");
        var timeouts = TimeoutsOf(body.IdleTimeoutSeconds, body.AbsoluteTimeoutSeconds);
        var userId = (await client.LoadAsync(id))?.User?.UserId;
        SessionGrainClient.MarkRetried(body.Retried);
        var result = await client.RegenerateAsync(id, newId, timeouts, changes: null, userId, body.OperationId ?? Guid.NewGuid());
        return result.Status == SessionWriteStatus.AlreadyExists
            ? Error(StatusCodes.Status409Conflict, "already_exists", "A live session holds the new ID.")
            : WriteAnswer(result);
    });

    public Task<StoreApiAnswer> BindUserAsync(string id, StoreApiRequestBody request) => RunAsync("bind_user", async () =>
    {
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiBindUserRequest);
        var userId = RequireUserId(body.UserId);
        var device = frontEnd.Value.Users.RecordDevice && body.Device is { } d ? new SessionDevice(d.UserAgent, d.ClientAddress).Bounded() : null;
        var result = await client.BindUserAsync(id, userId, device, users.Limit);
        return result.Status switch
        {
            UserSessionBindStatus.Bound => Json(new StoreApiUser(result.Binding!.UserId, result.Binding.Handle), StoreApiJson.Api.StoreApiUser),
            UserSessionBindStatus.NoSession => NoSession(),
            _ => Error(StatusCodes.Status409Conflict, "user_session_limit",
                $"The user has {frontEnd.Value.Users.MaxSessionsPerUser} sessions, the most allowed."),
        };
    });

    public Task<StoreApiAnswer> UnbindUserAsync(string id) => RunAsync("unbind_user", async () =>
    {
        var unbound = (await client.LoadAsync(id))?.User is { } user && await client.UnbindUserAsync(id, user.UserId);
        return Json(new StoreApiUnbound(unbound), StoreApiJson.Api.StoreApiUnbound);
    });

    public Task<StoreApiAnswer> ListUserSessionsAsync(string userId) => RunAsync("list_user_sessions", async () =>
        Json(await client.ListUserSessionsAsync(RequireUserId(userId)), StoreApiJson.Api.IReadOnlyListUserSessionInfo));

    public Task<StoreApiAnswer> RevokeAsync(string userId, string handle) => RunAsync("revoke", async () =>
        await client.RevokeAsync(RequireUserId(userId), handle)
            ? StoreApiAnswer.NoContent
            : Error(StatusCodes.Status404NotFound, "no_user_session", "The user has no live session with this handle."));

    public Task<StoreApiAnswer> RevokeOthersAsync(string userId, StoreApiRequestBody request) => RunAsync("revoke_others", async () =>
    {
        var body = await request.ReadAsync(StoreApiJson.Api.StoreApiRevokeOthersRequest);
        var revoked = await client.RevokeAllAsync(RequireUserId(userId), body.KeepHandle);
        return Json(new StoreApiRevoked(revoked), StoreApiJson.Api.StoreApiRevoked);
    });

    /// <summary>A call sent on a lease stream: one of the calls on every request's path, under the stream's lease.</summary>
    public Task<StoreApiAnswer> CallAsync(StoreApiLeaseHolder holder, string operation, string id, ReadOnlyMemory<byte> body) => operation switch
    {
        _ when id.Length is 0 or > MaxIdLength => Task.FromResult(Error(StatusCodes.Status400BadRequest, "invalid_request",
            $"A call's \"id\" must be 1 to {MaxIdLength} characters.")),
        "load" => LoadAsync(id, holder),
        "apply" => ApplyAsync(id, holder, StoreApiRequestBody.Of(body)),
        "increment" => IncrementAsync(id, holder, StoreApiRequestBody.Of(body)),
        _ => Task.FromResult(Error(StatusCodes.Status400BadRequest, "invalid_request", "A lease stream carries load, apply and increment calls.")),
    };

    public static StoreApiAnswer Error(int statusCode, string code, string message)
        => Json(new StoreApiError(code, message), StoreApiJson.Api.StoreApiError, statusCode);

    private async Task<StoreApiAnswer> RunAsync(string operation, Func<Task<StoreApiAnswer>> handle)
    {
        try
        {
            return await handle();
        }
        catch (StoreApiInvalidRequestException invalid)
        {
            SessionStoreApiLog.InvalidRequest(logger, operation, invalid.Message);
            return Error(StatusCodes.Status400BadRequest, "invalid_request", invalid.Message);
        }
        catch (SessionRequestRefusedException refused)
        {
            SessionStoreApiLog.InvalidRequest(logger, operation, refused.Message);
            return Error(StatusCodes.Status400BadRequest, "invalid_request", refused.Message);
        }
        catch (SessionLimitExceededException limit)
        {
            SessionStoreApiLog.Refused(logger, operation, limit.StatusCode, limit.Message);
            return Error(limit.StatusCode, "limit_exceeded", limit.Message);
        }
        catch (SessionUnavailableException unavailable) // the client logged the failure (event 1100)
        {
            return Error(unavailable.StatusCode, "unavailable", unavailable.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SessionStoreApiLog.Failed(logger, operation, exception);
            return Error(StatusCodes.Status500InternalServerError, "internal_error", "The session API failed; see the host's log.");
        }
    }

    private static StoreApiAnswer WriteAnswer(SessionWriteResult result) => result.Status switch
    {
        SessionWriteStatus.Succeeded => Json(new StoreApiVersion(result.Version) { LeaseMs = (long)result.Lease.TotalMilliseconds }, StoreApiJson.Api.StoreApiVersion),
        SessionWriteStatus.NoSession => NoSession(),
        _ => Unexpected(result.Status),
    };

    private static StoreApiAnswer NoSession() => Error(StatusCodes.Status404NotFound, "no_session", "There is no live session with this ID.");

    // The client throws for LimitExceeded and InvalidRequest; a status the call cannot answer is a bug.
    private static StoreApiAnswer Unexpected(SessionWriteStatus status) => throw new InvalidOperationException($"Unexpected write status {status}.");

    private static StoreApiAnswer Json<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK)
        => StoreApiAnswer.Json(value, type, statusCode);

    private SessionTimeouts TimeoutsOf(double? idleSeconds, double? absoluteSeconds) => new(
        idleSeconds is { } idle ? TimeoutOf(idle, "idleTimeoutSeconds") : frontEnd.Value.IdleTimeout,
        absoluteSeconds is { } absolute ? TimeoutOf(absolute, "absoluteTimeoutSeconds") : frontEnd.Value.AbsoluteTimeout);

    private static TimeSpan TimeoutOf(double seconds, string name)
        => seconds > 0 && seconds <= LongestTimeout.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid($"\"{name}\" must be positive and at most {LongestTimeout.TotalSeconds} seconds.");

    private static Dictionary<string, byte[]>? SetsOf(Dictionary<string, string?>? values, Dictionary<string, string?>? binary)
    {
        if (values is not { Count: > 0 } && binary is not { Count: > 0 })
        {
            return null;
        }

        var sets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, text) in values ?? [])
        {
            try
            {
                sets[key] = StrictUtf8.GetBytes(text ?? throw Invalid($"\"values\" holds null for a key; remove keys with \"removals\"."));
            }
            catch (EncoderFallbackException)
            {
                throw Invalid("A text value in \"values\" is not valid Unicode (a lone surrogate); send such bytes in \"binary\".");
            }
        }

        foreach (var (key, base64) in binary ?? [])
        {
            if (sets.ContainsKey(key))
            {
                throw Invalid("A key appears in both \"values\" and \"binary\".");
            }

            try
            {
                sets[key] = Convert.FromBase64String(base64 ?? throw Invalid("\"binary\" holds null for a key."));
            }
            catch (FormatException)
            {
                throw Invalid("A value in \"binary\" is not base64.");
            }
        }

        return sets;
    }

    // The caller chooses new session IDs: they must be bearer secrets made by a CSPRNG (express-session's genid is).
    private static void RequireNewId(string id, string what)
    {
        if (id.Length is < MinNewIdLength or > MaxIdLength || id.Any(char.IsControl))
        {
            throw Invalid($"{what} must be {MinNewIdLength} to {MaxIdLength} characters without control characters.");
        }
    }

    private static string RequireUserId(string? userId)
        => string.IsNullOrEmpty(userId) || userId.Length > MaxIdLength
            ? throw Invalid($"The user ID must be 1 to {MaxIdLength} characters.")
            : userId;

    private static StoreApiInvalidRequestException Invalid(string message) => new(message);
}

/// <summary>A request the session API cannot carry out as sent; answered 400 invalid_request.</summary>
internal sealed class StoreApiInvalidRequestException(string message) : Exception(message);
