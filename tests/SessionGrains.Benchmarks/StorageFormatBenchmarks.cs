using BenchmarkDotNet.Attributes;
using Orleans.TestingHost;

namespace SessionGrains.Benchmarks;

/// <summary>
/// The delta commit (a hosted ApplyAsync of one key, which writes the record) on memory storage in Orleans' default
/// JSON storage format and in the binary format that AddSessionMemoryStorage sets, side by side.
/// </summary>
[Config(typeof(ClusterBenchmarkConfig))]
public class StorageFormatBenchmarks
{
    private InProcessTestCluster _cluster = null!;
    private ISessionGrain _session = null!;
    private SessionChangeSet _delta = null!;

    [Params("json", "binary")]
    public string Format { get; set; } = "binary";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = BenchCluster.Build(jsonStorage: Format == "json");
        await _cluster.DeployAsync();
        var grains = BenchCluster.HostedGrainFactory(_cluster);
        _session = grains.GetGrain<ISessionGrain>(await BenchCluster.CreateSessionAsync(grains));
        _delta = BenchCluster.OneKey((byte)'b');
        if (!(await ApplyDeltaHosted()).Succeeded)
        {
            throw new InvalidOperationException("The benchmark session is not live.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark]
    public Task<SessionWriteResult> ApplyDeltaHosted() => _session.ApplyAsync(_delta);
}
