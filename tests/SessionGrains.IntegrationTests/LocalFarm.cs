using System.Globalization;
using Azure.Data.Tables;
using SessionGrains.LocalFarm;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The real multi-process farm of deploy/local/farm.sh (Azurite, 3 silos, 2 client-mode front ends, nginx), run in-process
/// through the farm's own commands (deploy/local/SessionGrains.LocalFarm), on ports 100 above the defaults and with its own
/// state folder, so a developer's farm is left alone.
/// </summary>
public sealed class LocalFarm : IAsyncLifetime
{
    private const int AzuritePort = 10100;

    /// <summary>Silo N listens on FirstSiloPort + N - 1.</summary>
    public const int FirstSiloPort = 11211;
    private readonly string _state = Path.Combine(Path.GetTempPath(), "sessiongrains-farm-" + Guid.NewGuid().ToString("N")[..8]);

    public Uri Nginx { get; } = new("http://127.0.0.1:8180");

    public Uri FrontEnd(int n) => new($"http://127.0.0.1:{5100 + n}");

    public async Task InitializeAsync() => await RunAsync("up", TimeSpan.FromMinutes(8));

    public async Task DisposeAsync()
    {
        await RunAsync("down", TimeSpan.FromMinutes(2));
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
        "FARM_AZURITE_PORT" => AzuritePort.ToString(CultureInfo.InvariantCulture),
        "FARM_SILO_PORT" => FirstSiloPort.ToString(CultureInfo.InvariantCulture),
        "FARM_GATEWAY_PORT" => "30101",
        "FARM_SILO_HEALTH_PORT" => "8181",
        "FARM_WEB_PORT" => "5101",
        "FARM_NGINX_PORT" => "8180",
        "FARM_DASHBOARD" => "0", // the fault tests measure the cluster without the dashboard's per-call profiling
        _ => Environment.GetEnvironmentVariable(name),
    };

    /// <summary>The farm's status and the tails of the front ends' and nginx's logs, for failure messages.</summary>
    public async Task<string> DiagnoseAsync()
    {
        var report = new System.Text.StringBuilder();
        foreach (var command in new[] { "status", "logs nginx 20", "logs web1 40", "logs web2 40" })
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

    /// <summary>Every row in the farm's grain-state table.</summary>
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

    private static TableClient Table(string name)
        => new TableServiceClient(Azurite.ConnectionString(AzuritePorts.From(AzuritePort))).GetTableClient(name);
}

[CollectionDefinition(Name)]
public sealed class LocalFarmCollection : ICollectionFixture<LocalFarm>
{
    public const string Name = "local farm";
}
