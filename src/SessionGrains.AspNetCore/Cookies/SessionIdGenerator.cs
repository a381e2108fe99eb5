using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionGrains.AspNetCore;

/// <summary>The default session ID generator: 24 bytes (192 bits) from a CSPRNG, base64url, 32 characters.</summary>
public static class SessionIdGenerator
{
    /// <summary>Returns a new random session ID.</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[24];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
