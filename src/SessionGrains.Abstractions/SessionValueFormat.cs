using System.Buffers.Text;

namespace SessionGrains;

/// <summary>
/// The byte format of integer values written by <see cref="ISessionGrain.IncrementAsync"/>: the number in invariant
/// decimal ASCII digits with an optional leading '-', which is also its UTF-8 JSON form. A front end can therefore
/// read a counter as a string ("42") or as JSON-deserialized <see cref="long"/>.
/// </summary>
public static class SessionValueFormat
{
    /// <summary>Encodes <paramref name="value"/> as decimal ASCII.</summary>
    public static byte[] FormatInt64(long value)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        return buffer[..written].ToArray();
    }

    /// <summary>Decodes a value written by <see cref="FormatInt64"/>; false for anything that is not exactly such a number.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> bytes, out long value)
        => Utf8Parser.TryParse(bytes, out value, out var consumed) && consumed == bytes.Length && bytes.Length > 0;
}
