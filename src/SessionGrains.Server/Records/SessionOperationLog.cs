namespace SessionGrains.Server;

/// <summary>The bounded list of a record's recent writes (<see cref="SessionSiloOptions.MaxRetainedOperations"/>, <see cref="SessionSiloOptions.OperationRetention"/>).</summary>
internal static class SessionOperationLog
{
    /// <summary>The recorded write with this ID, or null (always null for <see cref="Guid.Empty"/>).</summary>
    public static SessionOperation? Find(SessionOperation[] operations, Guid operationId)
    {
        if (operationId == Guid.Empty)
        {
            return null;
        }

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
