using System.Text;

namespace SessionGrains.Server;

/// <summary>
/// The bounded list of a record's recorded responses: as old as <see cref="SessionSiloOptions.OperationRetention"/>, at
/// most <see cref="SessionSiloOptions.MaxRecordedResponses"/>, and within the room the data leaves under
/// <see cref="SessionSiloOptions.MaxSessionBytes"/> (the data always wins: the oldest responses give way).
/// </summary>
internal static class SessionRequestLog
{
    private const int EntryOverhead = 64; // key, fingerprint, time, status, lengths

    public static SessionKeyedRequest? Find(SessionKeyedRequest[] requests, Guid key)
        => Array.Find(requests, r => r.Key == key);

    /// <summary>A new list with <paramref name="added"/> last, or null when it does not fit even alone.</summary>
    public static SessionKeyedRequest[]? Append(
        SessionKeyedRequest[] requests, SessionKeyedRequest added, long dataBytes, SessionSiloOptions options)
    {
        var room = options.MaxSessionBytes - dataBytes - SizeOf(added);
        if (options.MaxRecordedResponses <= 0 || room < 0)
        {
            return null;
        }

        var kept = Prune(requests, added.At, room, options.MaxRecordedResponses - 1, options);
        return [.. kept, added];
    }

    /// <summary><paramref name="requests"/> without aged-out entries and the oldest ones the data's room cannot hold; the same array when nothing goes.</summary>
    public static SessionKeyedRequest[] Prune(SessionKeyedRequest[] requests, DateTimeOffset now, long dataBytes, SessionSiloOptions options)
        => requests.Length == 0 ? requests : Prune(requests, now, options.MaxSessionBytes - dataBytes, options.MaxRecordedResponses, options);

    public static long SizeOf(SessionKeyedRequest request)
    {
        long bytes = EntryOverhead + request.Response.Body.Length;
        foreach (var (name, value) in request.Response.Headers)
        {
            bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        return bytes;
    }

    private static SessionKeyedRequest[] Prune(SessionKeyedRequest[] requests, DateTimeOffset now, long room, int most, SessionSiloOptions options)
    {
        var oldest = now - options.OperationRetention;
        var start = Math.Max(0, requests.Length - Math.Max(0, most));
        var bytes = 0L;
        for (var i = start; i < requests.Length; i++)
        {
            bytes += SizeOf(requests[i]);
        }

        while (start < requests.Length && (requests[start].At < oldest || bytes > room))
        {
            bytes -= SizeOf(requests[start]);
            start++; // entries are in the order they were recorded
        }

        return start == 0 ? requests : requests[start..];
    }
}
