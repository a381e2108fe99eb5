namespace SessionGrains.Hosting;

/// <summary>
/// Which Orleans providers and endpoints a SessionGrains silo or client uses; bound from the configuration section
/// "Cluster" (e.g. <c>Cluster__Clustering=AzureStorage</c>, <c>Cluster__StorageConnectionString=UseDevelopmentStorage=true</c>).
/// </summary>
public sealed class SessionClusterOptions
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>How silos find each other and clients find gateways. Defaults to Localhost (a single machine).</summary>
    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;

    /// <summary>Where session records are stored. Defaults to Memory (lost when the silo stops).</summary>
    public GrainStorageProvider GrainStorage { get; set; } = GrainStorageProvider.Memory;

    /// <summary>Where the durable cleanup reminders are kept. Defaults to Memory.</summary>
    public ReminderProvider Reminders { get; set; } = ReminderProvider.Memory;

    /// <summary>The Azure Storage connection string for every Azure provider; "UseDevelopmentStorage=true" is Azurite's default endpoints.</summary>
    public string StorageConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The StackExchange.Redis configuration string (e.g. "127.0.0.1:6379,password=...") for every Redis provider:
    /// clustering, grain storage and reminders share it.
    /// </summary>
    public string RedisConnectionString { get; set; } = "";

    /// <summary>
    /// The database connection string (for PostgreSQL an Npgsql one, e.g. "Host=127.0.0.1;Port=5432;Database=sessiongrains;Username=...")
    /// for every AdoNet provider; its schema is applied by <c>SessionGrains.Silo setup-database</c>.
    /// </summary>
    public string AdoNetConnectionString { get; set; } = "";

    /// <summary>The ADO.NET provider invariant of <see cref="AdoNetConnectionString"/>. Defaults to "Npgsql" (PostgreSQL), the one SessionGrains ships a schema for.</summary>
    public string AdoNetInvariant { get; set; } = "Npgsql";

    /// <summary>The Orleans cluster ID: silos and clients with the same ID form one cluster.</summary>
    public string ClusterId { get; set; } = "sessiongrains";

    /// <summary>The Orleans service ID. Part of every storage key: keep it fixed across deployments or stored sessions are lost.</summary>
    public string ServiceId { get; set; } = "sessiongrains";

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering only: the silo port of the primary silo (the first one started).</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>Localhost clustering only: the gateway ports a client may connect to.</summary>
    public int[] GatewayPorts { get; set; } = [30000];

    /// <summary>
    /// Silos only: run under Orleans' Kubernetes hosting (POD_NAME, POD_NAMESPACE, POD_IP from the downward API; the pod's
    /// orleans/serviceId and orleans/clusterId labels; pods of dead silos are deleted). Defaults to false.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>The address silos advertise to each other and to clients. Defaults to 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>How fast a dead silo is detected, and the risk that brings.</summary>
    public SessionFailureDetectionOptions FailureDetection { get; set; } = new();
}
