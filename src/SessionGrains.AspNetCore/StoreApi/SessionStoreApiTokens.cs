using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SessionGrains.AspNetCore;

// The accepted bearer tokens, kept as SHA-256 hashes: a presented token is hashed and compared with every accepted one
// in constant time (no early exit), so neither its content nor which token matched shows in the timing. Follows
// configuration reloads, so a token can be rotated without a restart.
internal sealed class SessionStoreApiTokens : IDisposable
{
    private readonly IDisposable? _subscription;
    private byte[][] _hashes;

    public SessionStoreApiTokens(IOptionsMonitor<SessionStoreApiOptions> options)
    {
        _hashes = HashAll(options.CurrentValue.Tokens);
        _subscription = options.OnChange(changed => _hashes = HashAll(changed.Tokens));
    }

    public int Count => _hashes.Length;

    /// <summary>Null when the request carries an accepted token; otherwise why not ("missing" or "wrong").</summary>
    public string? Refusal(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            return "missing";
        }

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), presented);
        var accepted = false;
        foreach (var hash in _hashes)
        {
            accepted |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return accepted ? null : "wrong";
    }

    public void Dispose() => _subscription?.Dispose();

    private static byte[][] HashAll(string[]? tokens)
        => (tokens ?? []).Where(t => !string.IsNullOrEmpty(t)).Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();
}
