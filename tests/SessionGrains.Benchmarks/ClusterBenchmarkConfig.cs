using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace SessionGrains.Benchmarks;

/// <summary>
/// The job of benchmarks that start a cluster per process: 3 warm-up and 10 measured iterations of 400 ms whatever
/// `--job` says, so each class stays within a couple of minutes; allocations and the median reported.
/// </summary>
public sealed class ClusterBenchmarkConfig : ManualConfig
{
    public ClusterBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(400)).AsMutator());
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
    }
}
