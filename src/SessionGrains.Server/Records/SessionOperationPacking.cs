namespace SessionGrains.Server;

/// <summary>
/// The stored form of a record's operation log: a format byte (1), the entry count, then per entry its 16-byte ID,
/// version, value and time (UTC ticks after the previous entry's), integers as 7-bit varints (values zigzag-encoded).
/// </summary>
internal static class SessionOperationPacking
{
    private const byte Format = 1;
    private const int MaxEntryBytes = 16 + 10 + 10 + 10;

    public static byte[] Pack(SessionOperation[] operations)
    {
        var buffer = new byte[1 + 5 + operations.Length * MaxEntryBytes];
        buffer[0] = Format;
        var at = 1 + WriteVarint(buffer.AsSpan(1), (ulong)operations.Length);
        var previousTicks = 0L;
        foreach (var operation in operations)
        {
            operation.Id.TryWriteBytes(buffer.AsSpan(at, 16));
            at += 16;
            at += WriteVarint(buffer.AsSpan(at), (ulong)operation.Version);
            at += WriteVarint(buffer.AsSpan(at), ZigZag(operation.Value));
            var ticks = operation.At.UtcTicks;
            at += WriteVarint(buffer.AsSpan(at), ZigZag(ticks - previousTicks));
            previousTicks = ticks;
        }

        return buffer.AsSpan(0, at).ToArray();
    }

    /// <summary>Unpacks what <see cref="Pack"/> made; throws <see cref="FormatException"/> on anything else.</summary>
    public static SessionOperation[] Unpack(byte[]? packed)
    {
        if (packed is null || packed.Length == 0)
        {
            return [];
        }

        if (packed[0] != Format)
        {
            throw new FormatException($"Unknown operation log format {packed[0]}.");
        }

        ReadOnlySpan<byte> span = packed.AsSpan(1);
        var count = ReadVarint(ref span);
        if (count > (ulong)span.Length / 19) // an entry takes at least 19 bytes
        {
            throw new FormatException("The operation log is truncated.");
        }

        var operations = new SessionOperation[(int)count];
        var previousTicks = 0L;
        for (var i = 0; i < operations.Length; i++)
        {
            if (span.Length < 16)
            {
                throw new FormatException("The operation log is truncated.");
            }

            var id = new Guid(span[..16]);
            span = span[16..];
            var version = (long)ReadVarint(ref span);
            var value = UnZigZag(ReadVarint(ref span));
            previousTicks += UnZigZag(ReadVarint(ref span));
            operations[i] = new SessionOperation { Id = id, Version = version, Value = value, At = new DateTimeOffset(previousTicks, TimeSpan.Zero) };
        }

        return operations;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var written = 0;
        while (value >= 0x80)
        {
            destination[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[written++] = (byte)value;
        return written;
    }

    private static ulong ReadVarint(ref ReadOnlySpan<byte> source)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (source.IsEmpty)
            {
                throw new FormatException("The operation log is truncated.");
            }

            var next = source[0];
            source = source[1..];
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("An integer of the operation log is too long.");
    }
}
