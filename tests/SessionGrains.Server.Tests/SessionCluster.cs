using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace SessionGrains.Server.Tests;

/// <summary>
/// A two-silo in-process cluster with memory storage (behind a counting decorator), in-memory reminders with a
/// 1-second period, and a fake session clock shared by both silos.
/// </summary>
public sealed class SessionCluster : IAsyncLifetime
{
    public const string InnerStorageName = "sessions-memory";
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(1);

    public InProcessTestCluster Cluster { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public StorageOperationCounts StorageCounts { get; } = new();
    public FakeLogCollector Logs { get; } = FakeLogCollector.Create(new FakeLogCollectorOptions
    {
        FilteredCategories = { typeof(SessionGrain).FullName! },
    });

    public SessionCluster()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionGrains(o => o.ReminderPeriod = ReminderPeriod);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = ReminderPeriod);
            silo.AddMemoryGrainStorage(InnerStorageName);
            silo.Services.AddKeyedSingleton<IGrainStorage>(SessionGrainOptions.DefaultStorageName, (sp, _) =>
                new CountingGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorageName), StorageCounts));
            silo.Services.AddKeyedSingleton<TimeProvider>(SessionGrainServiceKeys.TimeProvider, Clock);
            silo.Services.AddLogging(logging => logging
                .AddProvider(new FakeLoggerProvider(Logs))
                .AddFilter(typeof(SessionGrain).FullName, LogLevel.Debug));
        });
        Cluster = builder.Build();
    }

    public IGrainFactory Grains => Cluster.Client;

    public static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    public static GrainId GrainIdOf(string sessionId) => GrainId.Create(SessionGrain.GrainTypeName, sessionId);

    public ISessionGrain Session(string sessionId) => Grains.GetGrain<ISessionGrain>(sessionId);

    /// <summary>Reads the stored record straight from the memory storage provider, bypassing the grain.</summary>
    public async Task<SessionRecord?> ReadStoredRecordAsync(string sessionId)
    {
        var storage = Cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(InnerStorageName);
        var state = new GrainState<SessionRecord>();
        await storage.ReadStateAsync(SessionGrain.StateName, GrainIdOf(sessionId), state);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>Counts the session's rows in the reminder table.</summary>
    public async Task<int> CountRemindersAsync(string sessionId)
    {
        var table = Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>();
        var rows = await table.ReadRows(GrainIdOf(sessionId));
        return rows.Reminders.Count;
    }

    public bool IsActive(string sessionId) => Cluster.TryGetGrainContext(GrainIdOf(sessionId), out _);

    /// <summary>The expiry layers that logged deleting this session.</summary>
    public IReadOnlyList<string?> ExpiryLayersLogged(string sessionId) => Logs.GetSnapshot()
        .Where(r => r.Id.Name == "Expired" && r.GetStructuredStateValue("SessionId") is { } id && sessionId.StartsWith(id.TrimEnd('…'), StringComparison.Ordinal))
        .Select(r => r.GetStructuredStateValue("Layer"))
        .ToList();

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <paramref name="timeout"/> (10 s by default).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SessionClusterCollection : ICollectionFixture<SessionCluster>
{
    public const string Name = "session cluster";
}
