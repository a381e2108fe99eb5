using System.Text.Json;

namespace SessionGrains.AspNetCore;

// A call sent on a lease stream's request body, one JSON line: {"call":N,"op":"load|apply|increment","id":ID,"body":{..}}.
// Its answer is the line {"call":N,"status":S,"body":{..}}, in any order among the others.
internal readonly record struct StoreApiStreamCall(long Number, string Operation, string Id, ReadOnlyMemory<byte> Body)
{
    /// <summary>Reads a call line; false when it is no call (not JSON, or without its number).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> line, out StoreApiStreamCall call)
    {
        call = default;
        long? number = null;
        string operation = "", id = "";
        ReadOnlyMemory<byte> body = default;
        try
        {
            var reader = new Utf8JsonReader(line.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("call"u8))
                {
                    number = reader.GetInt64();
                }
                else if (name.SequenceEqual("op"u8))
                {
                    operation = reader.GetString() ?? "";
                }
                else if (name.SequenceEqual("id"u8))
                {
                    id = reader.GetString() ?? "";
                }
                else
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    if (name.SequenceEqual("body"u8))
                    {
                        body = line[start..(int)reader.BytesConsumed];
                    }
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || number is not { } n)
            {
                return false;
            }

            call = new StoreApiStreamCall(n, operation, id, body);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
