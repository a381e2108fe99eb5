using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionGrains.AspNetCore;

// The session API's JSON bodies (camelCase). Values cross as UTF-8 text in "values" and, for bytes that are not valid
// UTF-8, as base64 in "binary". Unknown properties are ignored, so callers may send more than this version reads.
internal sealed class StoreApiCreateRequest
{
    public Guid? OperationId { get; set; }
    public bool Retried { get; set; }
    public Dictionary<string, string?>? Values { get; set; }
    public Dictionary<string, string?>? Binary { get; set; }
    public double? IdleTimeoutSeconds { get; set; }
    public double? AbsoluteTimeoutSeconds { get; set; }
}

internal sealed class StoreApiApplyRequest
{
    public Guid? OperationId { get; set; }
    public bool Retried { get; set; }
    public bool Clear { get; set; }
    public List<string?>? Removals { get; set; }
    public Dictionary<string, string?>? Values { get; set; }
    public Dictionary<string, string?>? Binary { get; set; }
}

internal sealed class StoreApiIncrementRequest
{
    public string? Key { get; set; }
    public long Delta { get; set; } = 1;
    public Guid? OperationId { get; set; }
    public bool Retried { get; set; }
}

internal sealed class StoreApiRegenerateRequest
{
    public string? NewId { get; set; }
    public bool KeepData { get; set; }
    public Guid? OperationId { get; set; }
    public bool Retried { get; set; }
    public double? IdleTimeoutSeconds { get; set; }
    public double? AbsoluteTimeoutSeconds { get; set; }
}

internal sealed class StoreApiBindUserRequest
{
    public string? UserId { get; set; }
    public StoreApiDevice? Device { get; set; }
}

internal sealed record StoreApiDevice(string? UserAgent, string? ClientAddress);

internal sealed class StoreApiRevokeOthersRequest
{
    public string? KeepHandle { get; set; }
}

internal sealed record StoreApiSession(
    long Version, Dictionary<string, string> Values, Dictionary<string, string> Binary, StoreApiUser? User)
{
    /// <summary>How long the caller may serve this copy from its cache, from when it sent the load; absent: not at all.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long LeaseMs { get; init; }
}

// A lease stream's first line, then one line per invalidation (acknowledged by its number on the request body) and
// one per answer to a call sent on the stream. Calls says the stream takes calls (see StoreApiLeaseHolder).
internal sealed record StoreApiLeaseStream(string Holder, long LeaseMs, bool Calls);

internal sealed record StoreApiInvalidation(long N, string Id);

internal sealed record StoreApiUser(string UserId, string Handle);

// A write's answer. LeaseMs: the caller's read lease, renewed by its write (SessionWriteResult.Lease); absent: none.
internal sealed record StoreApiVersion(long Version)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long LeaseMs { get; init; }
}

internal sealed record StoreApiIncremented(long Value, long Version)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long LeaseMs { get; init; }
}

internal sealed record StoreApiUnbound(bool Unbound);

internal sealed record StoreApiRevoked(int Revoked);

internal sealed record StoreApiError(string Error, string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoreApiCreateRequest))]
[JsonSerializable(typeof(StoreApiApplyRequest))]
[JsonSerializable(typeof(StoreApiIncrementRequest))]
[JsonSerializable(typeof(StoreApiRegenerateRequest))]
[JsonSerializable(typeof(StoreApiBindUserRequest))]
[JsonSerializable(typeof(StoreApiRevokeOthersRequest))]
[JsonSerializable(typeof(StoreApiSession))]
[JsonSerializable(typeof(StoreApiVersion))]
[JsonSerializable(typeof(StoreApiIncremented))]
[JsonSerializable(typeof(StoreApiUser))]
[JsonSerializable(typeof(StoreApiUnbound))]
[JsonSerializable(typeof(StoreApiRevoked))]
[JsonSerializable(typeof(StoreApiError))]
[JsonSerializable(typeof(StoreApiLeaseStream))]
[JsonSerializable(typeof(StoreApiInvalidation))]
[JsonSerializable(typeof(IReadOnlyList<UserSessionInfo>))]
internal sealed partial class StoreApiJson : JsonSerializerContext
{
    /// <summary>
    /// The API's contract: Web defaults, and no HTML-safe escaping (the bodies go to servers, never into a page), so a
    /// JSON value's quotes and non-ASCII text cross as themselves instead of as \u0022 escapes.
    /// </summary>
    public static StoreApiJson Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
