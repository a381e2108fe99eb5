namespace SessionGrains.AspNetCore;

/// <summary>A session ID the request presented with a valid signature.</summary>
/// <param name="Id">The session ID.</param>
/// <param name="SecretIndex">Which configured secret verified it; above 0 means it is re-signed with the current one.</param>
internal readonly record struct PresentedSessionId(string Id, int SecretIndex);
