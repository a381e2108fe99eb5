namespace SessionGrains.Server;

/// <summary>
/// The stored form of a session. Property names and ids are part of the storage format: add, never rename. The grain
/// never changes a record it has stored: each write stores a modified copy, so local readers can share it, and Orleans'
/// copier (single-silo storage) need not copy it.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionRecord")]
internal sealed class SessionRecord
{
    /// <summary>
    /// The version of this record's format. 1: the session alone. 2: with <see cref="Operations"/> as a list of objects
    /// (field 7). 3: with them packed in <see cref="OperationLog"/> (field 9). Older records load (version 1 with an empty
    /// list) and are written as version 3 by their next write.
    /// </summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The format this record was written in.</summary>
    [Id(0)] public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>The session's data.</summary>
    [Id(1)] public Dictionary<string, byte[]> Data { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Increases with every change of data.</summary>
    [Id(2)] public long Version { get; set; }

    /// <summary>When the session was created.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last access as of the last write; the live value is kept in memory (see TouchWriteInterval).</summary>
    [Id(4)] public DateTimeOffset LastAccessAt { get; set; }

    /// <summary>The idle timeout.</summary>
    [Id(5)] public TimeSpan IdleTimeout { get; set; }

    /// <summary>The absolute expiry, when the session has an absolute lifetime.</summary>
    [Id(6)] public DateTimeOffset? AbsoluteExpiresAt { get; set; }

    /// <summary>Recent writes, oldest first, so that retries of them apply nothing (see <see cref="SessionOperationLog"/>).</summary>
    [Newtonsoft.Json.JsonIgnore, System.Text.Json.Serialization.JsonIgnore]
    public SessionOperation[] Operations { get => _operations; set => _operations = value; }

    [NonSerialized] private SessionOperation[] _operations = []; // stored as OperationLog

    /// <summary>The stored form of <see cref="Operations"/> (format 3), 20 to 25 bytes an entry (<see cref="SessionOperationPacking"/>).</summary>
    [Id(9)]
    public byte[] OperationLog
    {
        get => SessionOperationPacking.Pack(Operations);
        set => Operations = SessionOperationPacking.Unpack(value);
    }

    /// <summary>
    /// Format 2's list of operations: read from older records, written empty (so that an older silo, after a rollback,
    /// reads an empty log rather than none).
    /// </summary>
    [Id(7), Newtonsoft.Json.JsonProperty(nameof(Operations))]
    internal SessionOperation[]? Format2Operations
    {
        get => [];
        set
        {
            if (value is { Length: > 0 })
            {
                Operations = value;
            }
        }
    }

    /// <summary>The user the session is bound to (see <see cref="IUserSessionsGrain"/>), or null.</summary>
    [Id(8)] public SessionUserBinding? User { get; set; }

    /// <summary>When the session expires if it is not accessed after <paramref name="lastAccessAt"/>.</summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset lastAccessAt)
    {
        var idleExpiry = lastAccessAt + IdleTimeout;
        return AbsoluteExpiresAt is { } absolute && absolute < idleExpiry ? absolute : idleExpiry;
    }

    /// <summary>The one rule for "is this session live": not expired at <paramref name="now"/>, given its last access.</summary>
    public bool IsLiveAt(DateTimeOffset now, DateTimeOffset lastAccessAt) => now < ExpiresAt(lastAccessAt);

    /// <summary>True when an access at <paramref name="now"/> must store the last access: the stored one is older than <paramref name="touchWriteInterval"/>, capped at a quarter of the idle timeout.</summary>
    public bool IsTouchWriteDue(DateTimeOffset now, TimeSpan touchWriteInterval)
        => now - LastAccessAt >= TimeSpan.FromTicks(Math.Min(touchWriteInterval.Ticks, IdleTimeout.Ticks / 4));

    /// <summary>A copy to modify before it is stored (the data dictionary is shared; replace it, never mutate it).</summary>
    public SessionRecord Copy() => (SessionRecord)MemberwiseClone();

    /// <summary>The session as loaded, with its last access at <paramref name="lastAccessAt"/>.</summary>
    public SessionSnapshot ToSnapshot(DateTimeOffset lastAccessAt) => new()
    {
        Data = Data,
        Version = Version,
        CreatedAt = CreatedAt,
        LastAccessAt = lastAccessAt,
        ExpiresAt = ExpiresAt(lastAccessAt),
        Timeouts = new SessionTimeouts(IdleTimeout, AbsoluteExpiresAt - CreatedAt),
        User = User,
    };

    /// <summary>True when the session is bound to <paramref name="userId"/> under <paramref name="handle"/>.</summary>
    public bool IsBoundTo(string userId, string handle) => User is { } user && user.UserId == userId && user.Handle == handle;
}
