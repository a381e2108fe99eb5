namespace SessionGrains;

/// <summary>The outcome of a write to a session.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionWriteStatus")]
public enum SessionWriteStatus
{
    /// <summary>The write was applied.</summary>
    Succeeded = 0,

    /// <summary>There is no live session under this ID (never created, destroyed or expired). Nothing was stored.</summary>
    NoSession = 1,

    /// <summary>A live session already holds this ID. Nothing was stored.</summary>
    AlreadyExists = 2,

    /// <summary>A limit (bytes per session, keys per session, key length) would be exceeded. Nothing was applied.</summary>
    LimitExceeded = 3,

    /// <summary>The request itself is invalid (a null value, an existing value that is not an integer, an overflow). Nothing was applied.</summary>
    InvalidRequest = 4,
}
