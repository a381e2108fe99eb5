using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionGrains.Server;
using Orleans.TestingHost;
using SessionGrains.Hosting;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>An in-process cluster whose sessions, expiry index and reminders live in a real durable store (Azurite, Redis, PostgreSQL).</summary>
public sealed class DurableSessionCluster : IAsyncDisposable
{
    private DurableSessionCluster(InProcessTestCluster cluster, IDurableSessionStore store, SessionClusterOptions settings)
    {
        Cluster = cluster;
        Store = store;
        Settings = settings;
    }

    public InProcessTestCluster Cluster { get; }

    public IDurableSessionStore Store { get; }

    public SessionClusterOptions Settings { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>
    /// Starts <paramref name="silos"/> silos whose grain storage, expiry index and reminders are <paramref name="store"/>'s;
    /// <paramref name="configure"/> adds to each silo's set-up.
    /// </summary>
    public static async Task<DurableSessionCluster> StartAsync(
        IDurableSessionStore store, SessionTestSilo testSilo, string serviceId, short silos = 2, Action<ISiloBuilder>? configure = null)
    {
        var settings = store.Settings(serviceId);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionProviders(settings);
            testSilo.ConfigureTestHooks(silo);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new DurableSessionCluster(cluster, store, settings);
    }

    /// <summary>The stored records (rows, blobs, keys) whose key names <paramref name="key"/>: none once it has ended.</summary>
    public Task<int> CountRecordsAsync(string key) => Store.CountRecordsAsync(Settings, key);

    /// <summary>The stored reminders of the grain <paramref name="key"/>.</summary>
    public Task<int> CountRemindersAsync(string key) => Store.CountRemindersAsync(Settings, key);

    /// <summary>The due times of the grain's entries in the expiry index, read from the store through a silo's index (not the grain).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> IndexEntriesAsync(string key, SessionExpiryEntryKind kind = SessionExpiryEntryKind.Session)
    {
        var services = Cluster.Silos[0].SiloHost.Services;
        var shards = services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        var due = await services.GetRequiredService<ISessionExpiryIndex>()
            .ReadDueAsync(kind, SessionExpiryEntry.ShardOf(key, shards), DateTimeOffset.MaxValue, int.MaxValue);
        return due.Where(e => e.Key == key).Select(e => e.DueAt!.Value).ToList();
    }

    /// <summary>Adds an entry straight to the index, as a silo that crashed before writing its record leaves it.</summary>
    public Task AddIndexEntryAsync(string key, DateTimeOffset dueAt)
    {
        var services = Cluster.Silos[0].SiloHost.Services;
        var shards = services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        return services.GetRequiredService<ISessionExpiryIndex>()
            .SetAsync(new(SessionExpiryEntryKind.Session, SessionExpiryEntry.ShardOf(key, shards), key, dueAt), null);
    }

    /// <summary>Writes a session record straight into the store through a silo's storage provider, bypassing the grain.</summary>
    internal Task WriteStoredRecordAsync(string sessionId, SessionRecord record)
        => Cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SessionSiloOptions.DefaultStorageName)
            .WriteStateAsync(SessionGrainNames.SessionState, SessionTestSilo.GrainIdOf(sessionId), new GrainState<SessionRecord>(record));

    /// <summary>Writes the per-session reminder row SessionGrains 1.0 registered at creation (1-second period, as test silos tick).</summary>
    public Task WriteVersion1ReminderAsync(string sessionId)
        => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>().UpsertRow(new ReminderEntry
        {
            GrainId = SessionTestSilo.GrainIdOf(sessionId),
            ReminderName = SessionGrainNames.SessionReminder,
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromSeconds(1),
        });

    public ISessionGrain Session(string id) => Grains.GetGrain<ISessionGrain>(id);

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
