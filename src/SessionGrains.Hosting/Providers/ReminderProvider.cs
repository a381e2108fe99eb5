namespace SessionGrains.Hosting;

/// <summary>Reminder table providers.</summary>
public enum ReminderProvider
{
    /// <summary>In memory: lost when the silo holding the table stops.</summary>
    Memory,

    /// <summary>Azure Table storage: survives silo and cluster restarts.</summary>
    AzureTable,

    /// <summary>Redis: survives silo and cluster restarts when Redis persists (AOF or RDB).</summary>
    Redis,

    /// <summary>PostgreSQL through Orleans' ADO.NET provider: survives silo and cluster restarts.</summary>
    AdoNet,
}
