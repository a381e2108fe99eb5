using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>Log messages of the expiry sweepers. Event IDs 1400-1499 belong to them; keys (session IDs) are never logged.</summary>
internal static partial class ExpirySweepLog
{
    [LoggerMessage(1400, LogLevel.Debug, "Expiry shard {Shard}: {Count} due entries checked.")]
    public static partial void Swept(ILogger logger, int shard, int count);

    [LoggerMessage(1401, LogLevel.Warning, "Expiry shard {Shard}: reading due entries failed; the next pass retries.")]
    public static partial void ReadFailed(ILogger logger, int shard, Exception exception);

    [LoggerMessage(1402, LogLevel.Warning, "Expiry shard {Shard}: checking a due {Kind} entry failed; it stays due and the next pass retries.")]
    public static partial void CheckFailed(ILogger logger, int shard, SessionExpiryEntryKind kind, Exception exception);

    [LoggerMessage(1403, LogLevel.Warning, "Starting the expiry sweepers failed; retrying in {Delay}.")]
    public static partial void StartFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(1405, LogLevel.Warning, "Session records are kept by grain storage {StorageType}, but the expiry index is in memory: sessions stored before a whole-cluster restart would never be deleted. Add a durable index beside the records with AddSessionExpiryIndex (SessionGrains.Hosting does for its providers).")]
    public static partial void MemoryIndexBesideDurableRecords(ILogger logger, string storageType);

    [LoggerMessage(1404, LogLevel.Warning, "Session {SessionTag}: updating its expiry index entry failed; a later check retries.")]
    public static partial void EntryUpdateFailed(ILogger logger, string sessionTag, Exception exception);
}
