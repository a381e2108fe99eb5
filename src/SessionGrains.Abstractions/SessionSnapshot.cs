namespace SessionGrains;

/// <summary>A live session as loaded from its grain.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionSnapshot")]
public sealed class SessionSnapshot
{
    /// <summary>The session's data: key to value bytes. Keys are case-sensitive (ordinal).</summary>
    [Id(0)] public required Dictionary<string, byte[]> Data { get; init; }

    /// <summary>Increases by one with every change of data; 1 after creation.</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>When the session was created.</summary>
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The last access, this load included.</summary>
    [Id(3)] public DateTimeOffset LastAccessAt { get; init; }

    /// <summary>When the session expires unless accessed again: the earlier of idle and absolute expiry.</summary>
    [Id(4)] public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The timeouts the session was created with.</summary>
    [Id(5)] public required SessionTimeouts Timeouts { get; init; }

    /// <summary>The user the session is bound to, or null.</summary>
    [Id(6)] public SessionUserBinding? User { get; init; }
}
