namespace SessionGrains.LocalFarm;

/// <summary>The farm's storage server, as <see cref="FarmSettings.Storage"/> says: how to start it, and the cluster settings that point at it.</summary>
internal sealed class FarmStorage(FarmPaths paths, FarmSettings settings)
{
    public FarmMember Member => FarmMember.Storage(settings);

    /// <summary>Starts the server detached, its data in the state folder and its output in logs/NAME.log.</summary>
    public ProcessRecord Start()
    {
        var log = Path.Combine(paths.Logs, Member.Name + ".log");
        return settings.Storage switch
        {
            FarmStorageKind.Redis => RedisServer.Start(Path.Combine(paths.State, "redis"), settings.RedisPort, log, appendOnly: true),
            _ => new Azurite(paths.DeployLocal).Start(paths.AzuriteData, AzuritePorts.From(settings.AzuritePort), log),
        };
    }

    /// <summary>The Cluster__* settings of every silo (<paramref name="silo"/>) or front end.</summary>
    public IReadOnlyDictionary<string, string> ClusterVariables(bool silo)
    {
        var (provider, storage, reminders, key, connection) = settings.Storage switch
        {
            FarmStorageKind.Redis => ("Redis", "Redis", "Redis", "RedisConnectionString", RedisServer.ConnectionString(settings.RedisPort)),
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
