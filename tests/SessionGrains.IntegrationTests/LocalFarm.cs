using System.Globalization;
using Azure.Data.Tables;
using SessionGrains.LocalFarm;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The real multi-process farm of deploy/local/farm.sh (Azurite, 3 silos, 2 client-mode front ends, the express front end, nginx), run in-process
/// through the farm's own commands (deploy/local/SessionGrains.LocalFarm), on ports 100 above the defaults and with its own
/// state folder, so a developer's farm is left alone. <see cref="RedisLocalFarm"/> is the same on Redis, 200 above.
/// </summary>
public class LocalFarm : IAsyncLifetime
{
    private readonly string _storage;
    private readonly int _offset;
    private readonly string _state = Path.Combine(Path.GetTempPath(), "sessiongrains-farm-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalFarm()
        : this("azure", 100)
    {
    }

    /// <summary>A farm on <paramref name="storage"/> (farm.sh up --storage), its ports <paramref name="offset"/> above the defaults.</summary>
    protected LocalFarm(string storage, int offset)
    {
        _storage = storage;
        _offset = offset;
    }

    private int AzuritePort => 10000 + _offset;

    /// <summary>Silo N listens on FirstSiloPort + N - 1.</summary>
    public int FirstSiloPort => 11111 + _offset;

    /// <summary>The Redis server's port, with <c>--storage redis</c>.</summary>
    public int RedisPort => 6290 + _offset;

    public Uri Nginx => new($"http://127.0.0.1:{8080 + _offset}");

    public Uri FrontEnd(int n) => new($"http://127.0.0.1:{5000 + _offset + n}");

    /// <summary>nginx's internal listener: the front ends' session API, for the express front end.</summary>
    public Uri StoreApi => new($"http://127.0.0.1:{8090 + _offset}");

    /// <summary>The bearer token of the front ends' session API, as <c>up</c> generated it.</summary>
    public string StoreApiToken => File.ReadAllText(Path.Combine(_state, "store-api-token")).Trim();

    /// <summary>The home folder (HOME) of front end <paramref name="n"/>, its own.</summary>
    public string FrontEndHome(int n) => FarmPaths.Create(AzuriteServer.RepositoryRoot(), FarmEnvironment).HomeOf($"web{n}");

    /// <summary>The express front end's own port (its pages are under /express/).</summary>
    public Uri Express => new($"http://127.0.0.1:{5080 + _offset}");

    private FileLock? _alone;

    public async Task InitializeAsync()
    {
        _alone = await HeavyTestLock.TakeAsync(); // one whole farm on the machine at a time
        await RunAsync($"up --storage {_storage}", TimeSpan.FromMinutes(8));
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsync("down", TimeSpan.FromMinutes(2));
        }
        finally
        {
            _alone?.Dispose();
        }

        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the farm command <paramref name="arguments"/> in-process; fails with its output unless it exits 0.</summary>
    public async Task<string> RunAsync(string arguments, TimeSpan timeout)
    {
        var environment = FarmEnvironment;
        var text = new StringWriter();
        var output = TextWriter.Synchronized(text);
        var commands = new FarmCommands(FarmPaths.Create(AzuriteServer.RepositoryRoot(), environment), environment, output, output);
        using var cancel = new CancellationTokenSource(timeout);
        var exitCode = await commands.RunAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), cancel.Token);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"farm {arguments} exited {exitCode}:\n{text}");
        }

        return text.ToString();
    }

    /// <summary>The FARM_* overrides of this farm over the process environment.</summary>
    private Func<string, string?> FarmEnvironment => name => name switch
    {
        "FARM_STATE" => _state,
        "FARM_AZURITE_PORT" => Text(AzuritePort),
        "FARM_REDIS_PORT" => Text(RedisPort),
        "FARM_SILO_PORT" => Text(FirstSiloPort),
        "FARM_GATEWAY_PORT" => Text(30001 + _offset),
        "FARM_SILO_HEALTH_PORT" => Text(8081 + _offset),
        "FARM_WEB_PORT" => Text(5001 + _offset),
        "FARM_NGINX_PORT" => Text(8080 + _offset),
        "FARM_STORE_API_PORT" => Text(StoreApi.Port),
        "FARM_EXPRESS_PORT" => Text(Express.Port),
        "FARM_DASHBOARD" => "0", // the fault tests measure the cluster without the dashboard's per-call profiling
        _ => Environment.GetEnvironmentVariable(name),
    };

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The farm's status and the tails of the front ends' and nginx's logs (and the silos'), for failure messages.</summary>
    public async Task<string> DiagnoseAsync(bool silos = false)
    {
        var report = new System.Text.StringBuilder();
        string[] commands = ["status", "logs nginx 20", "logs web1 40", "logs web2 40", "logs express 40"];
        foreach (var command in silos ? [.. commands, "logs silo1 60", "logs silo2 60", "logs silo3 60"] : commands)
        {
            try
            {
                report.AppendLine($"== farm.sh {command}").AppendLine(await RunAsync(command, TimeSpan.FromSeconds(30)));
            }
            catch (InvalidOperationException exception)
            {
                report.AppendLine(exception.Message);
            }
        }

        return report.ToString();
    }

    /// <summary>Every row in the farm's grain-state table (Azure storage).</summary>
    public async Task<int> CountStoredSessionsAsync()
    {
        var count = 0;
        await foreach (var _ in Table("OrleansGrainState").QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>The silos the cluster's membership table records as declared dead (killed, or wrongly evicted).</summary>
    public async Task<int> CountDeadSilosAsync()
    {
        var count = 0;
        await foreach (var row in Table("OrleansSiloInstances").QueryAsync<TableEntity>())
        {
            if (row.GetString("Status") == "Dead")
            {
                count++;
            }
        }

        return count;
    }

    private TableClient Table(string name)
        => new TableServiceClient(Azurite.ConnectionString(AzuritePorts.From(AzuritePort))).GetTableClient(name);
}

[CollectionDefinition(Name)]
public sealed class LocalFarmCollection : ICollectionFixture<LocalFarm>
{
    public const string Name = "local farm";
}

/// <summary>The farm of <c>farm.sh up --storage redis</c>: redis-server holds membership, sessions and reminders.</summary>
public sealed class RedisLocalFarm() : LocalFarm("redis", 200);

[CollectionDefinition(Name)]
public sealed class RedisLocalFarmCollection : ICollectionFixture<RedisLocalFarm>
{
    public const string Name = "local farm on redis";
}
