using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

// A request with an Idempotency-Key, scoped to the session it presented: the key and request digests the grain keeps,
// this attempt's ID, and the operation IDs of its session writes. Those are derived, not random, so every attempt of
// the request writes with the same IDs and the grain applies each write once.
internal sealed class IdempotentRequest
{
    private static readonly byte[] KeyDomain = Encoding.ASCII.GetBytes("SessionGrains Idempotency-Key\0");
    private static readonly byte[] OperationDomain = Encoding.ASCII.GetBytes("SessionGrains Idempotency-Key operation\0");
    private static readonly byte[] RequestDomain = Encoding.ASCII.GetBytes("SessionGrains Idempotency-Key request\0");

    private readonly byte[] _keyDigest; // SHA-256 of the key: keys of any length cost the same

    public IdempotentRequest(string sessionId, string key, Guid fingerprint)
    {
        SessionId = sessionId;
        _keyDigest = Digest(KeyDomain, Encoding.UTF8.GetBytes(key));
        Key = ToGuid(_keyDigest);
        Fingerprint = fingerprint;
    }

    /// <summary>The presented session the key belongs to.</summary>
    public string SessionId { get; }

    public Guid Key { get; }

    public Guid Fingerprint { get; }

    public Guid Attempt { get; } = Guid.NewGuid();

    /// <summary>
    /// The operation ID of a write: the <paramref name="step"/>-th call of the request's session work (increment, save,
    /// regenerate, bind) and which of its writes (<paramref name="kind"/>). A retry that skips a write another attempt
    /// made (its change is already there) leaves the IDs of the others unchanged.
    /// </summary>
    public Guid OperationId(int step, SessionWriteKind kind)
    {
        var suffix = new byte[5];
        BinaryPrimitives.WriteInt32LittleEndian(suffix, step);
        suffix[4] = (byte)kind;
        return ToGuid(Digest(OperationDomain, Encoding.UTF8.GetBytes(SessionId), [0], _keyDigest, suffix));
    }

    /// <summary>
    /// The digest of what makes a request the same request: method, path and query, and body. The body is buffered
    /// (ASP.NET Core's request buffering, to disk beyond 30 KB) and rewound for the app.
    /// </summary>
    public static async Task<Guid> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(RequestDomain);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\0{request.PathBase}{request.Path}{request.QueryString}\0"));
        request.EnableBuffering();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return ToGuid(hash.GetHashAndReset());
    }

    private static byte[] Digest(params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }

        return hash.GetHashAndReset();
    }

    // An RFC 9562 version 8 (custom) UUID from the first 16 bytes of a digest.
    private static Guid ToGuid(byte[] digest)
    {
        Span<byte> bytes = stackalloc byte[16];
        digest.AsSpan(0, 16).CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
