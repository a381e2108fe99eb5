namespace SessionGrains.Server;

/// <summary>An index entry its session confirmed, with the session's answer; <paramref name="Moved"/> when its ID changed.</summary>
internal sealed record ConfirmedIndexEntry(UserSessionIndexEntry Entry, UserSessionInfo Info, bool Moved);
