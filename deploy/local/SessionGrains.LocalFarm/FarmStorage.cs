namespace SessionGrains.LocalFarm;

/// <summary>The farm's storage server, as <see cref="FarmSettings.Storage"/> says: how to start it, and the cluster settings that point at it.</summary>
internal sealed class FarmStorage(FarmPaths paths, FarmSettings settings)
{
    public FarmMember Member => FarmMember.Storage(settings);

    private string Log => Path.Combine(paths.Logs, Member.Name + ".log");

    private string PostgresData => Path.Combine(paths.State, "postgres");

    /// <summary>Before <see cref="Start"/>: PostgreSQL's data folder (initdb) when it has none yet; nothing for the others.</summary>
    public async Task PrepareAsync(CancellationToken cancellation)
    {
        if (settings.Storage == FarmStorageKind.Postgres)
        {
            await PostgresServer.InitializeAsync(PostgresData, Log, cancellation);
        }
    }

    /// <summary>Starts the server detached, its data in the state folder and its output in logs/NAME.log.</summary>
    public ProcessRecord Start() => settings.Storage switch
    {
        FarmStorageKind.Redis => RedisServer.Start(Path.Combine(paths.State, "redis"), settings.RedisPort, Log, appendOnly: true),
        FarmStorageKind.Postgres => PostgresServer.Start(PostgresData, settings.PostgresPort, Log),
        _ => new Azurite(paths.DeployLocal).Start(paths.AzuriteData, AzuritePorts.From(settings.AzuritePort), Log),
    };

    /// <summary>
    /// Once the server answers, before any silo starts: for PostgreSQL, the database and then the schema, applied by the
    /// published silo's own <c>setup-database</c> command (output in logs/setup-database.log); nothing for the others.
    /// </summary>
    public async Task SetUpAsync(CancellationToken cancellation)
    {
        if (settings.Storage != FarmStorageKind.Postgres)
        {
            return;
        }

        await PostgresServer.CreateDatabaseAsync(settings.PostgresPort, cancellation: cancellation);
        var log = Path.Combine(paths.Logs, "setup-database.log");
        var folder = Path.Combine(paths.Bin, "silo");
        string[] command = ["dotnet", Path.Combine(folder, "SessionGrains.Silo.dll"), "setup-database"];
        if (await ExternalCommand.RunAsync(log, folder, command, TimeSpan.FromMinutes(2), ClusterVariables(silo: true), cancellation) != 0)
        {
            throw new FarmException($"setup-database failed: {FarmLog.TailOf(log)}");
        }
    }

    /// <summary>The Cluster__* settings of every silo (<paramref name="silo"/>) or front end.</summary>
    public IReadOnlyDictionary<string, string> ClusterVariables(bool silo)
    {
        var (provider, storage, reminders, key, connection) = settings.Storage switch
        {
            FarmStorageKind.Redis => ("Redis", "Redis", "Redis", "RedisConnectionString", RedisServer.ConnectionString(settings.RedisPort)),
            FarmStorageKind.Postgres => ("AdoNet", "AdoNet", "AdoNet", "AdoNetConnectionString", PostgresServer.ConnectionString(settings.PostgresPort)),
            _ => ("AzureStorage", "AzureTable", "AzureTable", "StorageConnectionString", Azurite.ConnectionString(AzuritePorts.From(settings.AzuritePort))),
        };
        var variables = new Dictionary<string, string> { ["Cluster__Clustering"] = provider, [$"Cluster__{key}"] = connection };
        if (silo)
        {
            variables["Cluster__GrainStorage"] = storage;
            variables["Cluster__Reminders"] = reminders;
        }

        return variables;
    }
}
