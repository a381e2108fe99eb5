namespace SessionGrains.Hosting;

/// <summary>Grain storage providers for session records.</summary>
public enum GrainStorageProvider
{
    /// <summary>In the silos' memory, through Orleans' memory storage grains (any number of silos): lost with them.</summary>
    Memory,

    /// <summary>Azure Table storage: one row per session (at most 256 KiB of session data).</summary>
    AzureTable,

    /// <summary>Azure Blob storage: one blob per session, for larger sessions.</summary>
    AzureBlob,

    /// <summary>Redis: one hash per session, written by compare-and-set on its ETag (at most 64 MiB of session data).</summary>
    Redis,

    /// <summary>
    /// PostgreSQL through Orleans' ADO.NET provider: one row per session, written only when its version matches (at most
    /// 64 MiB of session data). The schema comes from <see cref="SessionDatabaseSchema"/>.
    /// </summary>
    AdoNet,

    /// <summary>
    /// In this one silo's own memory, with no storage-grain hop: the fastest choice for a single-process deployment
    /// (Localhost clustering, one silo). Lost with the process; storage calls fail while another silo is active.
    /// </summary>
    SingleSiloMemory,
}
