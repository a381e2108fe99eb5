namespace SessionGrains.Server;

/// <summary>
/// A write the grain applied, kept in the session's record so that a retry with the same operation ID answers this
/// result instead of applying the write again. Ids are part of the storage format: add, never renumber.
/// </summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionOperation")]
internal sealed class SessionOperation
{
    /// <summary>The operation ID the caller sent.</summary>
    [Id(0)] public Guid Id { get; init; }

    /// <summary>The session's version after the write.</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>An increment's resulting value; 0 for other writes.</summary>
    [Id(2)] public long Value { get; init; }

    /// <summary>When the grain applied the write (session clock).</summary>
    [Id(3)] public DateTimeOffset At { get; init; }
}
