using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

// A call's JSON body: an HTTP request's, or the "body" of a call sent on a lease stream.
internal readonly struct StoreApiRequestBody
{
    private readonly HttpRequest? _request;
    private readonly ReadOnlyMemory<byte> _json;

    private StoreApiRequestBody(HttpRequest? request, ReadOnlyMemory<byte> json)
    {
        _request = request;
        _json = json;
    }

    public static StoreApiRequestBody Of(HttpRequest request) => new(request, default);

    public static StoreApiRequestBody Of(ReadOnlyMemory<byte> json) => new(null, json);

    /// <summary>The body as <typeparamref name="T"/>; a missing or malformed body is an invalid request (400).</summary>
    public async ValueTask<T> ReadAsync<T>(JsonTypeInfo<T> type) where T : class
    {
        try
        {
            var body = _request is { } request
                ? await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted)
                : _json.IsEmpty ? null : JsonSerializer.Deserialize(_json.Span, type);
            return body ?? throw new StoreApiInvalidRequestException("The body must be a JSON object.");
        }
        catch (JsonException json)
        {
            throw new StoreApiInvalidRequestException($"The body is not valid JSON for this call: {json.Message}");
        }
    }
}
