namespace SessionGrains.Server;

// Exactly-once writes: a write's operation ID found in the record's logs answers the stored result (ISessionGrain holds
// the contract; SessionOperationLog the lists).
internal sealed partial class SessionGrain
{
    /// <summary>The one lookup of a retried operation: the stored write with <paramref name="operationId"/>, or null.</summary>
    private SessionOperation? FindRepeated(Guid operationId)
    {
        var operation = SessionOperationLog.Find(Record, operationId);
        if (operation is not null)
        {
            _log.OperationRepeated(operationId);
        }

        return operation;
    }

    /// <summary><see cref="FindRepeated"/> for a write: a retried attempt that finds its write keeps its ID for the whole retention.</summary>
    private async ValueTask<SessionOperation?> FindRepeatedAsync(Guid operationId)
    {
        var operation = FindRepeated(operationId);
        if (operation is not null)
        {
            await _writer.KeepIfRetriedAsync(operation);
        }

        return operation;
    }

    /// <summary>The answer to an operation applied before: its version, and the session's expiry now.</summary>
    private SessionWriteResult Replay(SessionOperation operation) => new(SessionWriteStatus.Succeeded, operation.Version, _writer.ExpiresAt);
}
