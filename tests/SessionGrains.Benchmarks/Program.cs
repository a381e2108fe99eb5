using BenchmarkDotNet.Running;

namespace SessionGrains.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--memory")
        {
            return await IdleSessionMemory.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "--allocations")
        {
            return await WriteAllocations.RunAsync(args.AsSpan(1).ToArray());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
