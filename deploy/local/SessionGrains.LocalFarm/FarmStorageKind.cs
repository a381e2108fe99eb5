namespace SessionGrains.LocalFarm;

/// <summary>Which server keeps the farm's sessions, reminders and membership (<c>farm.sh up --storage azure|redis</c>).</summary>
internal enum FarmStorageKind
{
    /// <summary>Azurite: Azure Table grain storage, reminders and membership.</summary>
    Azure,

    /// <summary>Debian's redis-server with the append-only file (fsync every second): Redis for all three.</summary>
    Redis,
}
