using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionGrains;

/// <summary>
/// A session's name in events and logs: a hash of its ID (16 bytes of SHA-256, base64url). The ID is a bearer secret and
/// never leaves the cluster and the front ends; the tag identifies the session without granting it. The IDs are 192-bit
/// random values, so the hash cannot be reversed by guessing and needs no salt.
/// </summary>
public static class SessionTag
{
    /// <summary>The tag of session <paramref name="sessionId"/>.</summary>
    public static string Of(string sessionId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(sessionId), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
