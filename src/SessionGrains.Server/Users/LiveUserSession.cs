namespace SessionGrains.Server;

/// <summary>An index entry that its session confirmed, with what the session answered; <paramref name="Moved"/> when its ID changed.</summary>
internal sealed record LiveUserSession(UserSessionIndexEntry Entry, UserSessionInfo Info, bool Moved);
