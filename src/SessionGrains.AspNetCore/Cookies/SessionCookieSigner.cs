using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Signs and verifies session IDs as express-session does (npm cookie-signature): "s:" + id + "." +
/// base64(HMAC-SHA256(secret, id)), standard alphabet, no padding, not URL-encoded.
/// </summary>
public sealed class SessionCookieSigner
{
    private const string Prefix = "s:";
    private const int MacLength = 32;
    private const int SignatureLength = 43; // base64 of 32 bytes without the trailing '='
    private readonly byte[][] _keys;
    private readonly ThreadLocal<IncrementalHash[]> _macs; // keyed HMACs reused per thread: no key setup per call

    /// <summary>Creates a signer for the configured secrets.</summary>
    public SessionCookieSigner(IOptions<SessionFrontEndOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.Secrets)
    {
    }

    /// <summary>Creates a signer: the first secret signs, every one verifies.</summary>
    public SessionCookieSigner(IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0 || secrets.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one non-empty secret is required.", nameof(secrets));
        }

        _keys = secrets.Select(Encoding.UTF8.GetBytes).ToArray();
        _macs = new(() => _keys.Select(key => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key)).ToArray());
    }

    /// <summary>Returns "s:" + id + "." + signature, signed with the first secret.</summary>
    public string Sign(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        Span<char> signature = stackalloc char[SignatureLength + 1];
        ComputeSignature(0, sessionId, signature);
        return string.Concat(Prefix, sessionId, ".", signature[..SignatureLength]);
    }

    /// <summary>
    /// Verifies a value made by <see cref="Sign"/> with any secret: splits at the last '.', compares in constant time.
    /// </summary>
    /// <param name="value">The decoded cookie value, starting with "s:".</param>
    /// <param name="sessionId">The session ID, when the signature verifies.</param>
    /// <param name="secretIndex">Which secret verified it: 0 is the current one; more means the cookie should be re-signed.</param>
    public bool TryUnsign(ReadOnlySpan<char> value, out string sessionId, out int secretIndex)
        => TryUnsign(value, out sessionId, out secretIndex, out _);

    // The same, saying why a value is rejected (for the rejected-cookie metric).
    internal bool TryUnsign(ReadOnlySpan<char> value, out string sessionId, out int secretIndex, out SessionCookieRejection rejection)
    {
        sessionId = string.Empty;
        secretIndex = -1;
        rejection = SessionCookieRejection.Malformed;
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var signed = value[Prefix.Length..];
        var dot = signed.LastIndexOf('.');
        if (dot <= 0 || signed.Length - dot - 1 != SignatureLength)
        {
            return false;
        }

        var id = signed[..dot];
        var presented = MemoryMarshal.AsBytes(signed[(dot + 1)..]);
        Span<char> expected = stackalloc char[SignatureLength + 1];
        for (var i = 0; i < _keys.Length; i++)
        {
            ComputeSignature(i, id, expected);
            if (CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected[..SignatureLength]), presented))
            {
                sessionId = id.ToString();
                secretIndex = i;
                return true;
            }
        }

        rejection = SessionCookieRejection.BadSignature;
        return false;
    }

    private void ComputeSignature(int keyIndex, ReadOnlySpan<char> sessionId, Span<char> destination)
    {
        var length = Encoding.UTF8.GetByteCount(sessionId);
        var buffer = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(sessionId, buffer);
        Span<byte> mac = stackalloc byte[MacLength];
        var hmac = _macs.Value![keyIndex];
        hmac.AppendData(buffer);
        hmac.GetHashAndReset(mac);
        Convert.TryToBase64Chars(mac, destination, out _);
    }
}
