namespace SessionGrains.Server;

/// <summary>The stored form of one user's session index. Class and property names and ids are the storage format: add, never rename.</summary>
[GenerateSerializer]
[Alias("SessionGrains.UserSessionIndex")]
internal sealed class UserSessionIndex
{
    [Id(0)] public List<UserSessionIndexEntry> Entries { get; set; } = [];
}
