using Orleans.TestingHost;
using SessionGrains.Hosting;
using SessionGrains.TestSupport;

namespace SessionGrains.IntegrationTests;

/// <summary>An in-process cluster whose sessions and reminders live in a real durable store (Azurite, Redis).</summary>
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

    /// <summary>Starts <paramref name="silos"/> silos whose grain storage and reminders are <paramref name="store"/>'s.</summary>
    public static async Task<DurableSessionCluster> StartAsync(IDurableSessionStore store, SessionTestSilo testSilo, string serviceId, short silos = 2)
    {
        var settings = store.Settings(serviceId);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionProviders(settings);
            testSilo.ConfigureTestHooks(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new DurableSessionCluster(cluster, store, settings);
    }

    /// <summary>The stored records (rows, blobs, keys) whose key names <paramref name="key"/>: none once it has ended.</summary>
    public Task<int> CountRecordsAsync(string key) => Store.CountRecordsAsync(Settings, key);

    /// <summary>The stored reminders of the grain <paramref name="key"/>.</summary>
    public Task<int> CountRemindersAsync(string key) => Store.CountRemindersAsync(Settings, key);

    public ISessionGrain Session(string id) => Grains.GetGrain<ISessionGrain>(id);

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
