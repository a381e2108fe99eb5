using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

// A session API answer: a status and an optional JSON body, sent as an HTTP answer or as a line of a lease stream.
internal sealed class StoreApiAnswer(int statusCode, object? value, JsonTypeInfo? type) : IResult
{
    public static StoreApiAnswer NoContent { get; } = new(StatusCodes.Status204NoContent, null, null);

    public int StatusCode => statusCode;

    public static StoreApiAnswer Json<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK)
        => new(statusCode, value, type);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        return type is null
            ? Task.CompletedTask
            : httpContext.Response.WriteAsJsonAsync(value, type, contentType: null, httpContext.RequestAborted);
    }

    /// <summary>Writes the body as the value of the writer's current property; null when there is none.</summary>
    public void WriteBody(Utf8JsonWriter writer)
    {
        if (type is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            JsonSerializer.Serialize(writer, value, type);
        }
    }
}
