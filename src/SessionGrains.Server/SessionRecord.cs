namespace SessionGrains.Server;

/// <summary>The stored form of a session. Property names and ids are part of the storage format: add, never rename.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionRecord")]
public sealed class SessionRecord
{
    /// <summary>The version of this record's format.</summary>
    public const int CurrentFormatVersion = 1;

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

    /// <summary>When the session expires if it is not accessed after <paramref name="lastAccessAt"/>.</summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset lastAccessAt)
    {
        var idleExpiry = lastAccessAt + IdleTimeout;
        return AbsoluteExpiresAt is { } absolute && absolute < idleExpiry ? absolute : idleExpiry;
    }
}
