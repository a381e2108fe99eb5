using System.Text.Json;

namespace SessionGrains.AspNetCore;

// A line a lease stream sends after its first: an invalidation, or the answer to the call numbered Call.
internal readonly record struct StoreApiStreamLine(StoreApiInvalidation? Invalidation, long Call, StoreApiAnswer? Answer)
{
    public void Write(Utf8JsonWriter json)
    {
        if (Invalidation is { } invalidation)
        {
            JsonSerializer.Serialize(json, invalidation, StoreApiJson.Api.StoreApiInvalidation);
            return;
        }

        json.WriteStartObject();
        json.WriteNumber("call"u8, Call);
        json.WriteNumber("status"u8, Answer!.StatusCode);
        json.WritePropertyName("body"u8);
        Answer.WriteBody(json);
        json.WriteEndObject();
    }
}
