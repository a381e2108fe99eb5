namespace SessionGrains.AppHost;

/// <summary>
/// Which server keeps the farm's membership, sessions and reminders: the AppHost's parameter "storage"
/// (<c>Parameters:storage</c>: azurite, the default, redis or postgresql).
/// </summary>
internal enum SessionStorage
{
    /// <summary>Azurite: Azure Storage clustering, Azure Table grain storage and reminders.</summary>
    Azurite,

    /// <summary>Debian's redis-server: Redis for all three.</summary>
    Redis,

    /// <summary>Debian's PostgreSQL: the AdoNet providers for all three, on the schema the silo's setup-database applies.</summary>
    PostgreSql,
}
