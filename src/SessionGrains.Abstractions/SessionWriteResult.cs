namespace SessionGrains;

/// <summary>The result of a write: a status and, when it succeeded, the session's new version and expiry.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Version">The session's version after the write; 0 unless <paramref name="Status"/> is <see cref="SessionWriteStatus.Succeeded"/>.</param>
/// <param name="ExpiresAt">When the session expires unless accessed again; default unless succeeded.</param>
/// <param name="Error">Why the write was refused, for logs and error responses.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionWriteResult")]
public sealed record SessionWriteResult(
    [property: Id(0)] SessionWriteStatus Status,
    [property: Id(1)] long Version = 0,
    [property: Id(2)] DateTimeOffset ExpiresAt = default,
    [property: Id(3)] string? Error = null)
{
    /// <summary>
    /// The writer's read lease, started again by this write (see <see cref="ISessionGrain.ApplyAsync"/>): its cache may
    /// serve the written version until this long after it sent the write. Zero when the writer held no lease.
    /// </summary>
    [Id(4)]
    public TimeSpan Lease { get; init; }

    /// <summary>True when the write was applied.</summary>
    public bool Succeeded => Status == SessionWriteStatus.Succeeded;
}
