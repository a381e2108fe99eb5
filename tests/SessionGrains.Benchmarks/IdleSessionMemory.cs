using System.Buffers.Text;
using System.Diagnostics;
using System.Runtime;
using System.Security.Cryptography;
using Orleans.TestingHost;
using SessionGrains.Server;

namespace SessionGrains.Benchmarks;

/// <summary>
/// `--memory [N]`: the memory an idle live session costs. Starts a one-silo cluster, creates N sessions (default
/// 100,000) each holding one small key ("user" → 8 bytes), and reports heap and working-set growth per session and
/// the number of activations. Then it deactivates those sessions (their records and reminders stay) and measures again,
/// which splits the cost into the activation (what "idle live session" means) and what storage and reminders keep.
/// Target: at most 1.5 KB per idle live session beyond its data. With <c>--redis HOST:PORT</c> the sessions are stored in
/// that Redis as the silo host stores them, and the run also reports Redis's own memory per session (INFO used_memory),
/// then deletes its keys. With <c>--single-silo</c> the records stay in the silo's memory (SingleSiloMemory storage).
/// </summary>
public static class IdleSessionMemory
{
    private const int DefaultSessions = 100_000;
    private const int Concurrency = 1_000;
    private const int WarmupSessions = 2_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault();
        var singleSilo = args.Contains("--single-silo");
        var counts = args.Where((a, i) => a is not "--redis" and not "--single-silo" && (i == 0 || args[i - 1] != "--redis")).ToArray();
        var sessions = counts.Length > 0 ? int.Parse(counts[0], System.Globalization.CultureInfo.InvariantCulture) : DefaultSessions;
        if (sessions <= 0 || (args.Contains("--redis") && redis is null) || (singleSilo && redis is not null))
        {
            Console.Error.WriteLine("usage: --memory [sessions > 0] [--redis HOST:PORT | --single-silo]");
            return 2;
        }

        Console.WriteLine($"Idle session memory: {sessions:N0} sessions, {Concurrency:N0} concurrent creates, {Environment.ProcessorCount} cores, " +
            $"GC {(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent")}.");
        var total = Stopwatch.StartNew();

        // Default options, as in production: the run measures within the 2-minute CollectionAge, and fails if Orleans
        // collected any measured activation before it was measured. (A longer CollectionAge would arm each session's
        // expiry timer, which production idle sessions do not carry.)
        await using var cluster = BenchCluster.Build(redis: redis, singleSiloStorage: singleSilo);
        await cluster.DeployAsync();
        await using var redisMemory = redis is null ? null : await RedisMemory.ConnectAsync(redis, cluster.Options.ServiceId);
        var grains = BenchCluster.HostedGrainFactory(cluster);
        var management = grains.GetGrain<IManagementGrain>(0);
        var value = "12345678"u8.ToArray(); // "user" → 8 bytes (a JSON number: a user ID)

        // Warm-up sessions (not counted): JIT, pools, directory and table growth to a steady state.
        await CreateAsync(grains, value, first: -WarmupSessions, count: WarmupSessions, progress: false);

        var before = Measure();
        var redisBefore = redisMemory is null ? 0 : await redisMemory.UsedMemoryAsync();
        Console.WriteLine($"baseline: heap {Mb(before.Heap)}, working set {Mb(before.WorkingSet)}, activations {await management.GetTotalActivationCount():N0}");

        var create = Stopwatch.StartNew();
        await CreateAsync(grains, value, first: 0, count: sessions, progress: true);
        create.Stop();
        Console.WriteLine($"created {sessions:N0} sessions in {create.Elapsed.TotalSeconds:F1} s ({sessions / create.Elapsed.TotalSeconds:N0}/s)");

        var live = Measure();
        var redisLive = redisMemory is null ? 0 : await redisMemory.UsedMemoryAsync();
        await HoldForHeapDumpAsync("live");
        var liveActivations = ActiveSessions(cluster, sessions);
        var totalActivations = await management.GetTotalActivationCount();
        Console.WriteLine($"live:     heap {Mb(live.Heap)}, working set {Mb(live.WorkingSet)}, measured sessions active {liveActivations:N0}, " +
            $"activations {totalActivations:N0} (IManagementGrain.GetTotalActivationCount)");

        // Deactivate exactly the measured sessions; storage records and reminders stay.
        var deactivate = Stopwatch.StartNew();
        var reason = new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "memory benchmark");
        for (var i = 0; i < sessions; i++)
        {
            if (cluster.TryGetGrainContext(GrainId.Create(SessionGrainNames.SessionGrainType, SessionId(i)), out var context))
            {
                context.Deactivate(reason);
            }
        }

        int remaining;
        while ((remaining = ActiveSessions(cluster, sessions)) > 0 && deactivate.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }

        var stored = Measure();
        var redisStored = redisMemory is null ? 0 : await redisMemory.UsedMemoryAsync();
        Console.WriteLine($"inactive: heap {Mb(stored.Heap)}, working set {Mb(stored.WorkingSet)}, measured sessions active {remaining:N0}, " +
            $"activations {await management.GetTotalActivationCount():N0} (deactivated in {deactivate.Elapsed.TotalSeconds:F1} s)");

        await HoldForHeapDumpAsync("inactive");
        Console.WriteLine();
        Console.WriteLine($"| {"per session, " + sessions.ToString("N0") + " sessions",-49} | {"heap (GC.GetTotalMemory)",22} | {"working set",11} |");
        Console.WriteLine($"|{new string('-', 51)}|{new string('-', 25)}:|{new string('-', 12)}:|");
        Row("live session, all costs", live.Heap - before.Heap, live.WorkingSet - before.WorkingSet, sessions);
        Row("  of which the activation (live - inactive)", live.Heap - stored.Heap, live.WorkingSet - stored.WorkingSet, sessions);
        Row("  of which storage + reminders (inactive - base)", stored.Heap - before.Heap, stored.WorkingSet - before.WorkingSet, sessions);
        Console.WriteLine("(The working set does not shrink when activations go: the GC keeps the freed memory. Only its first row means much.)");
        if (redisMemory is not null)
        {
            Console.WriteLine($"in Redis (INFO used_memory) per session: {(redisLive - redisBefore) / (double)sessions:N0} B while live, " +
                $"{(redisStored - redisBefore) / (double)sessions:N0} B once deactivated (record, etag, key and expiry index entry)");
            Console.WriteLine($"deleted this run's {await redisMemory.DeleteRunKeysAsync():N0} Redis keys");
        }

        Console.WriteLine();
        Console.WriteLine($"measured sessions active when measured live: {liveActivations:N0} of {sessions:N0}; total {total.Elapsed.TotalSeconds:F0} s");
        return liveActivations == sessions && remaining == 0 ? 0 : 1;
    }

    /// <summary>With SESSIONGRAINS_HEAP_DUMP_HOLD=seconds, waits that long so `dotnet-gcdump collect -p PID` can see the heap.</summary>
    private static async Task HoldForHeapDumpAsync(string stage)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SESSIONGRAINS_HEAP_DUMP_HOLD"), out var seconds) && seconds > 0)
        {
            Console.WriteLine($"holding {seconds} s at stage '{stage}' for a heap dump of pid {Environment.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>Deterministic 32-character base64url IDs, so the run keeps no list of IDs on the heap it measures.</summary>
    private static string SessionId(int index)
    {
        Span<byte> input = stackalloc byte[4];
        BitConverter.TryWriteBytes(input, index);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return Base64Url.EncodeToString(hash[..24]);
    }

    private static async Task CreateAsync(IGrainFactory grains, byte[] value, int first, int count, bool progress)
    {
        var step = Math.Max(count / 10, Concurrency);
        var next = step;
        for (var done = 0; done < count;)
        {
            var batch = Math.Min(Concurrency, count - done);
            var tasks = new Task<SessionWriteResult>[batch];
            for (var j = 0; j < batch; j++)
            {
                var changes = new SessionChangeSet { Sets = new(StringComparer.Ordinal) { ["user"] = value } };
                tasks[j] = grains.GetGrain<ISessionGrain>(SessionId(first + done + j)).CreateAsync(BenchCluster.TwentyMinutes, changes);
            }

            foreach (var result in await Task.WhenAll(tasks))
            {
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Creating a session failed: {result.Status} {result.Error}");
                }
            }

            done += batch;
            if (progress && done >= next)
            {
                Console.WriteLine($"  {done:N0} / {count:N0}");
                next += step;
            }
        }
    }

    /// <summary>How many of the measured sessions have an activation on the silo.</summary>
    private static int ActiveSessions(InProcessTestCluster cluster, int sessions)
    {
        var active = 0;
        for (var i = 0; i < sessions; i++)
        {
            if (cluster.TryGetGrainContext(GrainId.Create(SessionGrainNames.SessionGrainType, SessionId(i)), out _))
            {
                active++;
            }
        }

        return active;
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }

    private static void Row(string what, long heap, long workingSet, int sessions)
        => Console.WriteLine($"| {what,-49} | {heap / (double)sessions,22:N0} B | {workingSet / (double)sessions,9:N0} B |");

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:N1} MiB";
}
