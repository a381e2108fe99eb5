namespace SessionGrains;

/// <summary>The result of <see cref="ISessionGrain.IncrementAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Value">The value after the increment; 0 unless succeeded.</param>
/// <param name="Version">The session's version after the increment; 0 unless succeeded.</param>
/// <param name="Error">Why the increment was refused.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionIncrementResult")]
public sealed record SessionIncrementResult(
    [property: Id(0)] SessionWriteStatus Status,
    [property: Id(1)] long Value = 0,
    [property: Id(2)] long Version = 0,
    [property: Id(3)] string? Error = null)
{
    /// <summary>The writer's read lease, started again by this increment, as <see cref="SessionWriteResult.Lease"/>.</summary>
    [Id(4)]
    public TimeSpan Lease { get; init; }

    /// <summary>True when the increment was applied.</summary>
    public bool Succeeded => Status == SessionWriteStatus.Succeeded;
}
