using System.Text;

namespace SessionGrains.AspNetCore;

// Cookie header parsing and value encoding as express does them (jshttp/cookie, JavaScript's encodeURIComponent).
internal static class SessionCookieCodec
{
    /// <summary>Every value of the cookies named <paramref name="name"/>, in header order, decoded like express.</summary>
    public static List<string> ReadAll(IEnumerable<string?> cookieHeaders, string name)
    {
        var values = new List<string>(1);
        foreach (var header in cookieHeaders)
        {
            if (header is null)
            {
                continue;
            }

            foreach (var range in header.AsSpan().Split(';'))
            {
                var pair = header.AsSpan(range);
                var equals = pair.IndexOf('=');
                if (equals < 0 || !pair[..equals].Trim().SequenceEqual(name))
                {
                    continue;
                }

                var value = pair[(equals + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                values.Add(Decode(value));
            }
        }

        return values;
    }

    /// <summary>decodeURIComponent when the value contains '%'; a malformed escape leaves the whole value raw, as express does.</summary>
    public static string Decode(ReadOnlySpan<char> value)
    {
        if (!value.Contains('%'))
        {
            return value.ToString();
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2])))
            {
                return value.ToString();
            }
        }

        return Uri.UnescapeDataString(value.ToString());
    }

    /// <summary>JavaScript's encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded as UTF-8.</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && IsUnreserved((char)rune.Value))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2"));
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(char c)
        => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')';
}
