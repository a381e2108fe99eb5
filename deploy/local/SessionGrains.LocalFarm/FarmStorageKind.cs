namespace SessionGrains.LocalFarm;

/// <summary>Which server keeps the farm's sessions, reminders and membership (<c>farm.sh up --storage azure|redis|postgres</c>).</summary>
internal enum FarmStorageKind
{
    /// <summary>Azurite: Azure Table grain storage, reminders and membership.</summary>
    Azure,

    /// <summary>Debian's redis-server with the append-only file (fsync every second): Redis for all three.</summary>
    Redis,

    /// <summary>Debian's PostgreSQL (fsync on): the AdoNet providers for all three, on the schema SessionGrains.Silo setup-database applies.</summary>
    Postgres,
}
