namespace SessionGrains.Server;

/// <summary>
/// The copies of one session held outside its grain: the record published to co-hosted front ends through the silo's
/// <see cref="LocalSessionDirectory"/>, and the caches of client-mode front ends that hold read leases. The grain calls
/// <see cref="BeforeChangeAsync"/> before it stores a change, <see cref="AfterStore"/> once the change is stored, and
/// <see cref="WithdrawAsync"/> when no copy may be served any more (moving, ending or deactivating).
/// </summary>
internal sealed class SessionCopies(LocalSessionDirectory directory, string sessionId)
{
    private readonly LocalSessionEntry _local = new(); // the published record and the live last access
    private SessionReadLeases? _leases;                // front ends that cache this session (client mode)

    /// <summary>The last access by the grain or a local reader.</summary>
    public DateTimeOffset LastAccessAt => _local.LastAccessAt;

    /// <summary>True while local readers may serve the record (not withdrawn).</summary>
    public bool IsPublished => _local.Record is not null;

    /// <summary>Moves the last access forward to <paramref name="at"/>.</summary>
    public void RecordAccess(DateTimeOffset at) => _local.RecordAccess(at);

    /// <summary>Lets a front end serve the session from its cache until <paramref name="lease"/> ends.</summary>
    public void Grant(SessionReadLease lease) => (_leases ??= new()).Grant(lease);

    /// <summary>Publishes <paramref name="record"/> to local readers.</summary>
    public void Publish(SessionRecord record) => directory.Publish(sessionId, _local, record);

    /// <summary>Before a change is stored: every lease holder but <paramref name="writer"/> drops its copy (or its lease ends).</summary>
    public Task BeforeChangeAsync(ISessionReadCache? writer = null) => _leases?.RevokeAsync(sessionId, writer) ?? Task.CompletedTask;

    /// <summary>Once <paramref name="stored"/> is stored: its last access counts, and local readers see it when <paramref name="publish"/>.</summary>
    public void AfterStore(SessionRecord stored, bool publish)
    {
        _local.RecordAccess(stored.LastAccessAt); // a new session's first access
        if (publish)
        {
            Publish(stored);
        }
    }

    /// <summary>
    /// No copy may be served from now on: local readers fall back to the grain (first, so that no local read's access
    /// comes after a final write) and every lease holder drops its copy.
    /// </summary>
    public Task WithdrawAsync()
    {
        directory.Withdraw(sessionId, _local);
        return BeforeChangeAsync();
    }
}
