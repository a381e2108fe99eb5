using BenchmarkDotNet.Attributes;
using SessionGrains.AspNetCore;

namespace SessionGrains.Benchmarks;

/// <summary>
/// SessionCookieSigner on a 32-character base64url session ID. Target: sign and verify at most 1 µs each, and no
/// allocation beyond the returned string (Sign: the ~80-char signed value; TryUnsign: the 32-char ID, 88 B).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CookieBenchmarks
{
    private const string Current = "benchmark-secret-current-0123456789abcdef";
    private const string Older = "benchmark-secret-older-0123456789abcdef";
    private const string Oldest = "benchmark-secret-oldest-0123456789abcdef";

    private SessionCookieSigner _oneSecret = null!;
    private SessionCookieSigner _threeSecrets = null!;
    private string _id = null!;
    private string _signed = null!;
    private string _signedWithOldest = null!;
    private string _tampered = null!;

    [GlobalSetup]
    public void Setup()
    {
        _id = SessionIdGenerator.NewId();
        _oneSecret = new SessionCookieSigner([Current]);
        _threeSecrets = new SessionCookieSigner([Current, Older, Oldest]);
        _signed = _oneSecret.Sign(_id);
        _signedWithOldest = new SessionCookieSigner([Oldest]).Sign(_id);

        // Same length and shape, one signature character changed: the MAC is computed and compared, then rejected.
        var chars = _signed.ToCharArray();
        chars[^5] = chars[^5] == 'A' ? 'B' : 'A';
        _tampered = new string(chars);

        if (_id.Length != 32
            || !_oneSecret.TryUnsign(_signed, out var a, out _) || a != _id
            || !_threeSecrets.TryUnsign(_signedWithOldest, out var b, out var index) || b != _id || index != 2
            || _oneSecret.TryUnsign(_tampered, out _, out _))
        {
            throw new InvalidOperationException("Benchmark inputs are not what they claim to be.");
        }
    }

    [Benchmark]
    public string Sign() => _oneSecret.Sign(_id);

    [Benchmark]
    public string TryUnsign_OneSecret()
    {
        _oneSecret.TryUnsign(_signed, out var id, out _);
        return id;
    }

    /// <summary>Three secrets, the value signed with the last one: three HMACs before it verifies (rotation's worst case).</summary>
    [Benchmark]
    public string TryUnsign_ThreeSecrets_ValidUnderLast()
    {
        _threeSecrets.TryUnsign(_signedWithOldest, out var id, out _);
        return id;
    }

    [Benchmark]
    public bool TryUnsign_Tampered() => _oneSecret.TryUnsign(_tampered, out _, out _);
}
