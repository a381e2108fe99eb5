using System.Text;

namespace SessionGrains.Server;

/// <summary>
/// The stored form of a record's recorded responses: a format byte (1), the entry count, then per entry its key and
/// fingerprint (16 bytes each), time (UTC ticks), status code, header count, each header's name and value
/// (length-prefixed UTF-8) and the body (length-prefixed); integers as 7-bit varints.
/// </summary>
internal static class SessionRequestPacking
{
    private const byte Format = 1;

    public static byte[] Pack(SessionKeyedRequest[] requests)
    {
        if (requests.Length == 0)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Format);
            writer.Write7BitEncodedInt(requests.Length);
            Span<byte> guid = stackalloc byte[16];
            foreach (var request in requests)
            {
                request.Key.TryWriteBytes(guid);
                writer.Write(guid);
                request.Fingerprint.TryWriteBytes(guid);
                writer.Write(guid);
                writer.Write7BitEncodedInt64(request.At.UtcTicks);
                var response = request.Response;
                writer.Write7BitEncodedInt(response.StatusCode);
                writer.Write7BitEncodedInt(response.Headers.Length);
                foreach (var (name, value) in response.Headers)
                {
                    writer.Write(name);
                    writer.Write(value);
                }

                writer.Write7BitEncodedInt(response.Body.Length);
                writer.Write(response.Body);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Unpacks what <see cref="Pack"/> made; throws <see cref="FormatException"/> on anything else.</summary>
    public static SessionKeyedRequest[] Unpack(byte[]? packed)
    {
        if (packed is null || packed.Length == 0)
        {
            return [];
        }

        if (packed[0] != Format)
        {
            throw new FormatException($"Unknown recorded-response format {packed[0]}.");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(packed, 1, packed.Length - 1), Encoding.UTF8);
            var requests = new SessionKeyedRequest[Count(reader, packed.Length)];
            for (var i = 0; i < requests.Length; i++)
            {
                var key = new Guid(Read(reader, 16));
                var fingerprint = new Guid(Read(reader, 16));
                var at = new DateTimeOffset(reader.Read7BitEncodedInt64(), TimeSpan.Zero);
                var status = reader.Read7BitEncodedInt();
                var headers = new KeyValuePair<string, string>[Count(reader, packed.Length)];
                for (var h = 0; h < headers.Length; h++)
                {
                    headers[h] = KeyValuePair.Create(reader.ReadString(), reader.ReadString());
                }

                var body = Read(reader, Count(reader, packed.Length));
                requests[i] = new SessionKeyedRequest { Key = key, Fingerprint = fingerprint, At = at, Response = new(status, headers, body) };
            }

            return requests;
        }
        catch (Exception exception) when (exception is EndOfStreamException or ArgumentException)
        {
            throw new FormatException("The recorded responses are truncated or malformed.", exception);
        }
    }

    private static byte[] Read(BinaryReader reader, int length)
    {
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }

    // A count or length can never exceed the packed bytes: a corrupt one fails here, before any allocation.
    private static int Count(BinaryReader reader, int packedLength)
    {
        var count = reader.Read7BitEncodedInt();
        return count >= 0 && count <= packedLength ? count : throw new FormatException("A count of the recorded responses is out of range.");
    }
}
