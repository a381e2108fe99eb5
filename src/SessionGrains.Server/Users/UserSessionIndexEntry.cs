namespace SessionGrains.Server;

/// <summary>One session in a user's index: its handle, its ID, and the IDs a regeneration under way may move it to.</summary>
[GenerateSerializer]
[Alias("SessionGrains.UserSessionIndexEntry")]
internal sealed class UserSessionIndexEntry
{
    [Id(0)] public string Handle { get; set; } = "";

    /// <summary>As last confirmed.</summary>
    [Id(1)] public string SessionId { get; set; } = "";

    /// <summary>New IDs of regenerations begun and not yet confirmed: one of them holds the session once the old ID has ended.</summary>
    [Id(2)] public string[] Moving { get; set; } = [];
}
