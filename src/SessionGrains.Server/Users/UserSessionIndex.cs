namespace SessionGrains.Server;

/// <summary>
/// The stored form of one user's session index: an entry per session that may be bound to the user. Property names and
/// ids are part of the storage format: add, never rename.
/// </summary>
[GenerateSerializer]
[Alias("SessionGrains.UserSessionIndex")]
internal sealed class UserSessionIndex
{
    /// <summary>The entries, in the order they were added.</summary>
    [Id(0)] public List<UserSessionIndexEntry> Entries { get; set; } = [];
}
