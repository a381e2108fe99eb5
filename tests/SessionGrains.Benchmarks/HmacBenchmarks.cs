using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace SessionGrains.Benchmarks;

/// <summary>
/// The HMAC-SHA256 primitive under SessionCookieSigner, for the same 41-byte key and 32-byte ID: the one-shot
/// HMACSHA256.HashData the signer calls today (a new native HMAC context per call) against an HMAC kept per key and
/// reused, and plain SHA-256 as a floor. Shows what caching the keyed HMAC in the signer would save.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HmacBenchmarks
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes("benchmark-secret-current-0123456789abcdef");
    private readonly byte[] _id = Encoding.UTF8.GetBytes("AbCdEfGhIjKlMnOpQrStUvWxYz012345");
    private readonly byte[] _mac = new byte[32];
    private IncrementalHash _reused = null!;

    [GlobalSetup]
    public void Setup() => _reused = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    [GlobalCleanup]
    public void Cleanup() => _reused.Dispose();

    [Benchmark(Baseline = true)]
    public int OneShotHashData() => HMACSHA256.HashData(_key, _id, _mac);

    [Benchmark]
    public int ReusedIncrementalHash()
    {
        _reused.AppendData(_id);
        return _reused.GetHashAndReset(_mac);
    }

    [Benchmark]
    public int Sha256Floor() => SHA256.HashData(_id, _mac);
}
