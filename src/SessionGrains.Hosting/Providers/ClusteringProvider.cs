namespace SessionGrains.Hosting;

/// <summary>Clustering providers.</summary>
public enum ClusteringProvider
{
    /// <summary>Development clustering on one machine: a primary silo at a known port.</summary>
    Localhost,

    /// <summary>Membership table in Azure Table storage.</summary>
    AzureStorage,

    /// <summary>Membership in Redis (<see cref="SessionClusterOptions.RedisConnectionString"/>).</summary>
    Redis,

    /// <summary>Membership tables in PostgreSQL (<see cref="SessionClusterOptions.AdoNetConnectionString"/>), version-checked on every change.</summary>
    AdoNet,
}
