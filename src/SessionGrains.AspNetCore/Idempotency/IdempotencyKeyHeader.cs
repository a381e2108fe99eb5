using Microsoft.Extensions.Primitives;

namespace SessionGrains.AspNetCore;

// The Idempotency-Key request header: one field whose value is a Structured Field string (RFC 8941 sf-string), e.g.
// Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324". Anything else is refused with the reason.
internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    public static bool TryParse(StringValues fields, out string key, out string? error)
    {
        key = "";
        if (fields.Count != 1)
        {
            error = "send one Idempotency-Key field";
            return false;
        }

        var text = fields[0].AsSpan().Trim(' ');
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            error = "the value must be a quoted string, e.g. \"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
            return false;
        }

        var value = new System.Text.StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length - 1 && text[i + 1] is '"' or '\\')
            {
                value.Append(text[++i]);
            }
            else if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                value.Append(c);
            }
            else
            {
                error = "the quoted string holds a character it may not (only printable ASCII; \\\" and \\\\ escaped)";
                return false;
            }
        }

        if (value.Length == 0)
        {
            error = "the key must not be empty";
            return false;
        }

        key = value.ToString();
        error = null;
        return true;
    }
}
