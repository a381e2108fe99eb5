namespace SessionGrains.LocalFarm;

/// <summary>A command failed; the message is what the user sees after "error:".</summary>
internal sealed class FarmException(string message) : Exception(message);
