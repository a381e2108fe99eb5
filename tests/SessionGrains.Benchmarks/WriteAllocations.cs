using System.Diagnostics.Tracing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.AspNetCore;

namespace SessionGrains.Benchmarks;

/// <summary>
/// `--allocations [N] [--memory-storage]`: where a co-hosted write request's bytes go, by type. Runs N write requests
/// (default 200,000) as <see cref="GrainCallBenchmarks.MiddlewareWriteLocalRead"/> does, 16 at a time on different
/// sessions, and samples the runtime's allocation ticks (one event about every 100 KB allocated, naming the type that
/// crossed it): each type's share of the samples times the bytes allocated per request.
/// </summary>
public static class WriteAllocations
{
    private const int DefaultRequests = 200_000;
    private const int Concurrency = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        var memoryStorage = args.Contains("--memory-storage");
        var counts = args.Where(a => a != "--memory-storage").ToArray();
        var requests = counts.Length > 0 ? int.Parse(counts[0], System.Globalization.CultureInfo.InvariantCulture) : DefaultRequests;
        await using var cluster = BenchCluster.Build(singleSiloStorage: !memoryStorage);
        await cluster.DeployAsync();
        var grains = BenchCluster.HostedGrainFactory(cluster);
        string[] secrets = ["benchmark-secret-current-0123456789abcdef"];
        var signer = new SessionCookieSigner(secrets);
        var cookies = new string[Concurrency];
        for (var i = 0; i < Concurrency; i++)
        {
            cookies[i] = $"connect.sid={Uri.EscapeDataString(signer.Sign(await BenchCluster.CreateSessionAsync(grains)))}";
        }

        var written = 0L;
        var middleware = SessionPipeline.Build(grains, o => o.Secrets = secrets, context =>
        {
            context.Session.SetString("b", Interlocked.Increment(ref written).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        }, cluster.Silos[0].SiloHost.Services.GetRequiredService<ILocalSessionReader>());

        await RunRequestsAsync(middleware, cookies, requests / 10); // warm-up: JIT, pools
        using var listener = new AllocationTickListener();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await RunRequestsAsync(middleware, cookies, requests);
        var perRequest = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / requests;
        listener.Dispose();

        var samples = listener.Samples;
        var total = samples.Values.Sum();
        Console.WriteLine($"{requests:N0} co-hosted write requests on {(memoryStorage ? "Memory" : "SingleSiloMemory")} storage: " +
            $"{perRequest:N0} B allocated per request (whole process), {total:N0} allocation ticks sampled");
        Console.WriteLine("| type | B per request | share |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (type, count) in samples.OrderByDescending(s => s.Value).Take(40))
        {
            Console.WriteLine($"| `{type}` | {perRequest * count / total:N0} | {100.0 * count / total:N1} % |");
        }

        return 0;
    }

    private static async Task RunRequestsAsync(RequestDelegate middleware, string[] cookies, int requests)
    {
        var next = -1;
        await Task.WhenAll(cookies.Select(cookie => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                var context = new DefaultHttpContext();
                context.Request.Path = "/cart";
                context.Request.Headers.Cookie = cookie;
                await middleware(context);
            }
        })));
    }

    /// <summary>Counts GCAllocationTick events by type name (the runtime's GC keyword at verbose level).</summary>
    private sealed class AllocationTickListener : EventListener
    {
        private readonly Lock _lock = new();
        private bool _enabled;

        public Dictionary<string, long> Samples { get; } = [];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
                _enabled = true;
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!_enabled || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal))
            {
                return;
            }

            var index = eventData.PayloadNames?.IndexOf("TypeName") ?? -1;
            var type = index >= 0 ? eventData.Payload?[index] as string ?? "?" : "?";
            lock (_lock)
            {
                Samples[type] = Samples.GetValueOrDefault(type) + 1;
            }
        }
    }
}
