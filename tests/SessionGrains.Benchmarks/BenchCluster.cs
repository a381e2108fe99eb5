using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using SessionGrains.Hosting;
using SessionGrains.Server;

namespace SessionGrains.Benchmarks;

/// <summary>
/// A one-silo in-process cluster shaped like production: AddSessionGrains on memory storage named "sessions" and
/// in-memory reminders, or on Redis. Unlike SessionTestSilo (tests/SessionGrains.Tests.Shared) it adds no counting storage decorator, no call filter,
/// no fake clock and no debug log collector, whose costs would be measured too.
/// </summary>
public static class BenchCluster
{
    public static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    /// <param name="configure">Session grain options.</param>
    /// <param name="jsonStorage">Memory storage in Orleans' default JSON format instead of AddSessionMemoryStorage's binary one.</param>
    /// <param name="redis">A Redis server for grain storage and reminders, configured as the silo host does (Cluster:GrainStorage=Redis).</param>
    /// <param name="singleSiloStorage">SingleSiloMemory storage (records kept in the silo's memory) instead of AddSessionMemoryStorage.</param>
    public static InProcessTestCluster Build(
        Action<SessionSiloOptions>? configure = null, bool jsonStorage = false, string? redis = null, bool singleSiloStorage = false)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = "bench-" + Guid.NewGuid().ToString("N")[..8]; // a run's Redis keys are its own
        builder.ConfigureSilo((_, silo) =>
        {
            if (redis is not null)
            {
                silo.AddSessionProviders(new SessionClusterOptions
                {
                    GrainStorage = GrainStorageProvider.Redis,
                    Reminders = ReminderProvider.Redis,
                    RedisConnectionString = redis,
                });
                silo.Services.Configure(configure ?? (_ => { }));
            }
            else
            {
                silo.AddSessionGrains(configure);
                silo.UseInMemoryReminderService();
                if (jsonStorage)
                {
                    silo.AddMemoryGrainStorage(SessionSiloOptions.DefaultStorageName);
                }
                else if (singleSiloStorage)
                {
                    silo.AddSessionSingleSiloStorage();
                }
                else
                {
                    silo.AddSessionMemoryStorage();
                }
            }

            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        builder.ConfigureClient(client => client.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
        return builder.Build();
    }

    /// <summary>The silo's own grain factory: calls from it are hosted calls (no gateway, no socket).</summary>
    public static IGrainFactory HostedGrainFactory(InProcessTestCluster cluster)
        => cluster.Silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>();

    /// <summary>A random 32-character base64url ID, like SessionIdGenerator.NewId.</summary>
    public static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>A one-key change set: "user" set to 8 bytes.</summary>
    public static SessionChangeSet OneKey(byte fill = (byte)'a')
        => new() { Sets = new(StringComparer.Ordinal) { ["user"] = Enumerable.Repeat(fill, 8).ToArray() } };

    public static async Task<string> CreateSessionAsync(IGrainFactory grains)
    {
        var id = NewSessionId();
        var result = await grains.GetGrain<ISessionGrain>(id).CreateAsync(TwentyMinutes, OneKey());
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Creating a session failed: {result.Status} {result.Error}");
        }

        return id;
    }
}
