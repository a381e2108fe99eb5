namespace SessionGrains.Server;

/// <summary>
/// The stored form of a session. Class and property names and ids are the storage format: add, never rename. A stored
/// record is never changed (each write stores a copy), so local readers share it.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionRecord")]
internal sealed class SessionRecord
{
    /// <summary>
    /// 1: the session alone; 2: <see cref="Operations"/> as objects (field 7); 3: packed (field 9); 4: adds
    /// <see cref="Requests"/> (field 10); 5: adds <see cref="RetriedOperations"/> (field 11). Older records load and are
    /// rewritten as 5.
    /// </summary>
    public const int CurrentFormatVersion = 5;

    [Id(0)] public int FormatVersion { get; set; } = CurrentFormatVersion;

    [Id(1)] public Dictionary<string, byte[]> Data { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public long Version { get; set; }

    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>As of the last write; the live value is kept in memory.</summary>
    [Id(4)] public DateTimeOffset LastAccessAt { get; set; }

    [Id(5)] public TimeSpan IdleTimeout { get; set; }

    [Id(6)] public DateTimeOffset? AbsoluteExpiresAt { get; set; }

    /// <summary>Recent writes, oldest first, so that their retries apply nothing.</summary>
    [Newtonsoft.Json.JsonIgnore, System.Text.Json.Serialization.JsonIgnore]
    public SessionOperation[] Operations { get => _operations; set => _operations = value; }

    [NonSerialized] private SessionOperation[] _operations = []; // stored as OperationLog

    /// <summary>The stored form of <see cref="Operations"/> (format 3).</summary>
    [Id(9)]
    public byte[] OperationLog
    {
        get => SessionOperationPacking.Pack(Operations);
        set => Operations = SessionOperationPacking.Unpack(value);
    }

    /// <summary>Format 2's list: read from older records, written empty (an older silo after a rollback reads an empty log).</summary>
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

    /// <summary>
    /// Retried writes of the last <see cref="SessionSiloOptions.OperationRetention"/>, oldest first, kept whatever the
    /// number of writes since (see <see cref="SessionOperationWindow.RetriedContextKey"/>).
    /// </summary>
    [Newtonsoft.Json.JsonIgnore, System.Text.Json.Serialization.JsonIgnore]
    public SessionOperation[] RetriedOperations { get => _retriedOperations; set => _retriedOperations = value; }

    [NonSerialized] private SessionOperation[] _retriedOperations = []; // stored as RetriedOperationLog

    /// <summary>The stored form of <see cref="RetriedOperations"/> (format 5); empty when there are none.</summary>
    [Id(11)]
    public byte[] RetriedOperationLog
    {
        get => RetriedOperations.Length == 0 ? [] : SessionOperationPacking.Pack(RetriedOperations);
        set => RetriedOperations = SessionOperationPacking.Unpack(value);
    }

    /// <summary>The user the session is bound to, or null.</summary>
    [Id(8)] public SessionUserBinding? User { get; set; }

    /// <summary>Recorded responses of recent requests with an <c>Idempotency-Key</c>, oldest first.</summary>
    [Newtonsoft.Json.JsonIgnore, System.Text.Json.Serialization.JsonIgnore]
    public SessionKeyedRequest[] Requests { get => _requests; set => _requests = value; }

    [NonSerialized] private SessionKeyedRequest[] _requests = []; // stored as RequestLog

    /// <summary>The stored form of <see cref="Requests"/> (format 4); empty when there are none.</summary>
    [Id(10)]
    public byte[] RequestLog
    {
        get => SessionRequestPacking.Pack(Requests);
        set => Requests = SessionRequestPacking.Unpack(value);
    }

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

    /// <summary>A copy to modify before it is stored (the data dictionary is shared: replace it, never mutate it).</summary>
    public SessionRecord Copy() => (SessionRecord)MemberwiseClone();

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

    public bool IsBoundTo(string userId, string handle) => User is { } user && user.UserId == userId && user.Handle == handle;
}
