namespace SessionGrains.Server;

/// <summary>
/// The bounded lists of a record's recent writes: its newest (<see cref="SessionSiloOptions.MaxRetainedOperations"/>,
/// <see cref="SessionSiloOptions.OperationRetention"/>), and its retried ones, kept for the retention alone (up to
/// <see cref="MaxRetried"/>) because an earlier attempt of theirs may arrive after many other writes.
/// </summary>
internal static class SessionOperationLog
{
    /// <summary>Most retried writes a record keeps: a bound on its size, far above what failures produce.</summary>
    public const int MaxRetried = 256;

    /// <summary>The recorded write with this ID in either list, or null (always null for <see cref="Guid.Empty"/>).</summary>
    public static SessionOperation? Find(SessionRecord record, Guid operationId)
        => operationId == Guid.Empty ? null : Find(record.Operations, operationId) ?? Find(record.RetriedOperations, operationId);

    /// <summary>
    /// The retried list: <paramref name="retried"/> without entries older than the retention at <paramref name="now"/>, then
    /// <paramref name="added"/> unless it is there already (<paramref name="retried"/> itself when nothing changes).
    /// </summary>
    public static SessionOperation[] KeepRetried(SessionOperation[] retried, SessionOperation added, DateTimeOffset now, SessionSiloOptions options)
    {
        var kept = PruneRetried(retried, now, options);
        if (Find(kept, added.Id) is not null)
        {
            return kept;
        }

        var start = Math.Max(0, kept.Length - (MaxRetried - 1));
        return [.. kept.AsSpan(start), added];
    }

    /// <summary><paramref name="retried"/> without entries older than the retention at <paramref name="now"/>; the same array when none is.</summary>
    public static SessionOperation[] PruneRetried(SessionOperation[] retried, DateTimeOffset now, SessionSiloOptions options)
    {
        var oldest = now - options.OperationRetention;
        var start = 0;
        while (start < retried.Length && retried[start].At < oldest)
        {
            start++;
        }

        return start == 0 ? retried : retried[start..];
    }

    private static SessionOperation? Find(SessionOperation[] operations, Guid operationId)
    {
        foreach (var operation in operations)
        {
            if (operation.Id == operationId)
            {
                return operation;
            }
        }

        return null;
    }

    /// <summary>A new list: <paramref name="operations"/> without aged-out or excess entries, then <paramref name="added"/> unless its ID is empty.</summary>
    public static SessionOperation[] Append(SessionOperation[] operations, SessionOperation added, SessionSiloOptions options)
    {
        var keep = added.Id == Guid.Empty ? options.MaxRetainedOperations : options.MaxRetainedOperations - 1;
        var oldest = added.At - options.OperationRetention;
        var start = Math.Max(0, operations.Length - Math.Max(0, keep));
        while (start < operations.Length && operations[start].At < oldest)
        {
            start++; // entries are in the order they were applied
        }

        var kept = operations.AsSpan(start);
        if (added.Id == Guid.Empty)
        {
            return kept.Length == operations.Length ? operations : kept.ToArray();
        }

        var result = new SessionOperation[kept.Length + 1];
        kept.CopyTo(result);
        result[^1] = added;
        return result;
    }
}
