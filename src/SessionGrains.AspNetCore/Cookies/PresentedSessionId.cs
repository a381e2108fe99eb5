namespace SessionGrains.AspNetCore;

// A validly signed session ID the request presented; a SecretIndex above 0 (an older secret) gets it re-signed.
internal readonly record struct PresentedSessionId(string Id, int SecretIndex);
