using SessionGrains.Hosting;
using SessionGrains.LocalFarm;
using SessionGrains.Tests.Shared;

namespace SessionGrains.DeployTests;

/// <summary>
/// The real store of an overlay's silos, started as the local farm starts it, on free loopback ports with its files in a
/// temporary folder: Azurite for Azure Storage, Debian's redis-server (append-only file on) for Redis, Debian's
/// PostgreSQL with the "sessiongrains" database for AdoNet. Its connection string replaces the Secret template's
/// placeholder in <see cref="Variable"/>.
/// </summary>
internal sealed class OverlayStore : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly string _folder;
    private readonly int _stopSignal;
    private ProcessRecord? _process;
    private HealthProbe? _probe;

    private OverlayStore(string folder, string variable, int stopSignal)
    {
        _folder = folder;
        Variable = variable;
        _stopSignal = stopSignal;
    }

    /// <summary>The environment variable of the store's connection string.</summary>
    public string Variable { get; }

    /// <summary>The running store's connection string.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Starts the store <paramref name="storage"/> needs and waits until it answers.</summary>
    public static async Task<OverlayStore> StartAsync(RepositoryRoot root, GrainStorageProvider storage)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-deploy-{storage}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "store.log");
        var port = LoopbackPorts.Free();
        OverlayStore store;
        Func<Task<bool>> ready;
        switch (storage)
        {
            case GrainStorageProvider.Redis:
                store = new OverlayStore(folder, VariableOf(nameof(SessionClusterOptions.RedisConnectionString)), ProcessRecord.SigKill);
                store._process = RedisServer.Start(Path.Combine(folder, "data"), port, log, appendOnly: true);
                store.ConnectionString = RedisServer.ConnectionString(port);
                ready = () => RedisServer.IsReadyAsync(port);
                break;
            case GrainStorageProvider.AdoNet:
                store = new OverlayStore(folder, VariableOf(nameof(SessionClusterOptions.AdoNetConnectionString)), ProcessRecord.SigInt);
                var data = Path.Combine(folder, "data");
                await PostgresServer.InitializeAsync(data, log);
                store._process = PostgresServer.Start(data, port, log);
                store.ConnectionString = PostgresServer.ConnectionString(port);
                ready = () => PostgresServer.IsReadyAsync(port);
                break;
            case GrainStorageProvider.AzureTable or GrainStorageProvider.AzureBlob:
                store = new OverlayStore(folder, VariableOf(nameof(SessionClusterOptions.StorageConnectionString)), ProcessRecord.SigKill);
                var azurite = new Azurite(root.PathOf("deploy/local"));
                await azurite.EnsureInstalledAsync(Path.Combine(folder, "install.log"), _ => { });
                var ports = new AzuritePorts(port, LoopbackPorts.Free(), LoopbackPorts.Free());
                store._process = azurite.Start(Path.Combine(folder, "data"), ports, log);
                store.ConnectionString = Azurite.ConnectionString(ports);
                var probe = store._probe = new HealthProbe();
                ready = () => Azurite.IsReadyAsync(probe, ports);
                break;
            default:
                throw new NotSupportedException($"no store for Cluster:GrainStorage={storage}");
        }

        var deadline = DateTime.UtcNow + StartBound;
        while (!await ready())
        {
            if (store._process is not { IsRunning: true } || DateTime.UtcNow > deadline)
            {
                var tail = FarmLog.TailOf(log);
                await store.DisposeAsync();
                throw new InvalidOperationException($"the {storage} store did not start within {StartBound.TotalSeconds} s: {tail}");
            }

            await Task.Delay(100);
        }

        if (storage == GrainStorageProvider.AdoNet)
        {
            await PostgresServer.CreateDatabaseAsync(port); // the overlay's database exists before its pods start (deploy/README.md)
        }

        return store;
    }

    /// <summary>Stops the store (PostgreSQL: a fast shutdown first) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        _probe?.Dispose();
        if (_process is { } process)
        {
            process.Signal(_stopSignal);
            for (var i = 0; i < 100 && process.IsRunning; i++)
            {
                await Task.Delay(100);
            }

            process.Signal(ProcessRecord.SigKill);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string VariableOf(string property) => $"{SessionClusterOptions.SectionName}__{property}";
}
