namespace SessionGrains.Server;

/// <summary>A write the grain applied, kept so that a retry answers its result. Part of the storage format: add, never renumber.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionOperation")]
internal sealed class SessionOperation
{
    [Id(0)] public Guid Id { get; init; }

    [Id(1)] public long Version { get; init; }

    /// <summary>An increment's resulting value; 0 for other writes.</summary>
    [Id(2)] public long Value { get; init; }

    [Id(3)] public DateTimeOffset At { get; init; }
}
